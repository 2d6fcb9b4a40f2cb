import { asyncScheduler, of, Subject } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { IdleTimeoutError } from '../../src/errors.js';
import { idleTimeout } from '../../src/sources/idle-timeout.js';

/*
 * Marble tests on virtual time: in `a 9ms b`, `a` is at frame 0 and `b` at frame 10 (a value
 * takes one frame). Nothing here waits on the wall clock.
 */

const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
const idle = new IdleTimeoutError(10);

describe('idleTimeout', () => {
  it('values that keep coming within the limit pass through unchanged', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const source = cold('a 8ms b 8ms c 8ms |');
      expectObservable(source.pipe(idleTimeout(10))).toBe('a 8ms b 8ms c 8ms |');
    });
  });

  it('a gap longer than the limit fails with IdleTimeoutError, the limit after the last value', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a 8ms b 30ms c|').pipe(idleTimeout(10))).toBe('a 8ms b 9ms #', undefined, idle);
    });
  });

  it('the wait for the first value is bounded too', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('20ms a|').pipe(idleTimeout(10))).toBe('10ms #', undefined, idle);
    });
  });

  it('a source that never emits fails, and one that completes quietly in time does not', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-').pipe(idleTimeout(10))).toBe('10ms #', undefined, idle);
      expectObservable(cold('9ms |').pipe(idleTimeout(10))).toBe('9ms |');
    });
  });

  it('the error says how long the stream was idle', () => {
    expect(idle).toMatchObject({ code: 'timeout', idleMs: 10, message: 'No bytes arrived for 10 ms (idle timeout)' });
  });

  it('timing out unsubscribes from the source (which cancels the request)', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('a 30ms b|');
      expectObservable(source.pipe(idleTimeout(10))).toBe('a 9ms #', undefined, idle);
      expectSubscriptions(source.subscriptions).toBe('^ 9ms !');
    });
  });

  it('source errors pass through as they are', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a 5ms #', undefined, new Error('boom')).pipe(idleTimeout(10))).toBe('a 5ms #', undefined, new Error('boom'));
    });
  });

  it('no timer is left once the source has completed', () => {
    const test = scheduler();
    let live = -1;
    test.run(({ cold, expectObservable }) => {
      expectObservable(cold('a 5ms b 5ms |').pipe(idleTimeout(10))).toBe('a 5ms b 5ms |');
      // Cancelled virtual actions stay queued until the flush reaches them, closed.
      test.schedule(() => (live = test.actions.filter((action) => !action.closed).length), 13); // completion is at 12
    });
    expect(live).toBe(0);
  });
});

describe('idleTimeout on the default (async) scheduler', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('leaves no timer behind after completion', () => {
    vi.useFakeTimers();
    const seen: number[] = [];
    of(1, 2, 3)
      .pipe(idleTimeout(1000))
      .subscribe((n) => seen.push(n));
    expect(seen).toEqual([1, 2, 3]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('leaves no timer behind after unsubscribing, and fires on fake time when idle', () => {
    vi.useFakeTimers();
    const source = new Subject<number>();
    const errors: unknown[] = [];
    const subscription = source.pipe(idleTimeout(1000, asyncScheduler)).subscribe({ error: (e) => errors.push(e) });
    source.next(1);
    vi.advanceTimersByTime(999);
    expect(errors).toEqual([]);
    source.next(2);
    vi.advanceTimersByTime(1000);
    expect(errors[0]).toBeInstanceOf(IdleTimeoutError);
    expect(vi.getTimerCount()).toBe(0);
    subscription.unsubscribe();

    const quiet = new Subject<number>().pipe(idleTimeout(1000)).subscribe();
    expect(vi.getTimerCount()).toBe(1);
    quiet.unsubscribe();
    expect(vi.getTimerCount()).toBe(0);
  });
});
