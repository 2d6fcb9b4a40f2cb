import { Observable, Subject, defer, map, of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { shareLatest } from '../../src/operators/share-latest.js';

const testScheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

/** An upstream that counts its subscriptions. */
function counted<T>(source: Observable<T>) {
  const counter = { subscriptions: 0 };
  return { counter, upstream: defer(() => (counter.subscriptions++, source)) };
}

describe('shareLatest', () => {
  it('subscribes to the upstream once for several subscribers', () => {
    const source = new Subject<number>();
    const { counter, upstream } = counted(source);
    const shared = upstream.pipe(shareLatest());
    const seen: number[][] = [[], [], []];
    seen.forEach((list) => shared.subscribe((value) => list.push(value)));
    source.next(1);
    source.next(2);
    expect(counter.subscriptions).toBe(1);
    expect(seen).toEqual([[1, 2], [1, 2], [1, 2]]);
  });

  it('starts a late subscriber from the current snapshot, then live values', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('a-b-c|');
      const shared = source.pipe(shareLatest());
      expectObservable(shared).toBe('a-b-c|');
      expectObservable(shared, '---^').toBe('---bc|');
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('gives subscribers after completion the last value and completion, without a new request', () => {
    const { counter, upstream } = counted(of({ text: 'Hel' }, { text: 'Hello' }));
    const shared = upstream.pipe(shareLatest());
    shared.subscribe();
    const late: unknown[] = [];
    let completed = false;
    shared.subscribe({ next: (v) => late.push(v), complete: () => (completed = true) });
    expect(late).toEqual([{ text: 'Hello' }]);
    expect(completed).toBe(true);
    expect(counter.subscriptions).toBe(1);
  });

  it('gives subscribers after an error the last value and the error, without a new request', () => {
    const source = new Subject<string>();
    const { counter, upstream } = counted(source);
    const shared = upstream.pipe(shareLatest());
    shared.subscribe({ error: () => {} });
    source.next('partial');
    source.error(new Error('truncated'));
    const late: unknown[] = [];
    let failure: unknown;
    shared.subscribe({ next: (v) => late.push(v), error: (e: unknown) => (failure = e) });
    expect(late).toEqual(['partial']);
    expect((failure as Error).message).toBe('truncated');
    expect(counter.subscriptions).toBe(1);
  });

  it('cancels the upstream when every subscriber leaves early, and starts fresh for the next', () => {
    const source = new Subject<number>();
    const { counter, upstream } = counted(source.pipe(map((x) => x * 10)));
    const shared = upstream.pipe(shareLatest());
    const a = shared.subscribe();
    const b = shared.subscribe();
    source.next(1);
    a.unsubscribe();
    expect(source.observed).toBe(true);
    b.unsubscribe();
    expect(source.observed).toBe(false);
    const fresh: number[] = [];
    shared.subscribe((value) => fresh.push(value));
    expect(fresh).toEqual([]);
    expect(counter.subscriptions).toBe(2);
  });
});
