import fc from 'fast-check';
import { from } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { StreamEvent } from '../../src/assembly/events.js';
import { UsageError } from '../../src/errors.js';
import { smoothText } from '../../src/operators/smooth-text.js';
import { nextUnitEnd } from '../../src/operators/text-units.js';

const testScheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
const base = { choice: 0, snapshot: () => undefined };

describe('smoothText', () => {
  it('emits one character per interval from a burst', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a 100ms |', { a: 'abc' }).pipe(smoothText({ intervalMs: 10 }))).toBe('a 9ms b 9ms c 80ms |', { a: 'a', b: 'b', c: 'c' });
    });
  });

  it('keeps the pace across bursts, and emits at once after an idle spell', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      // 'ab' at 0, 'c' at 5 (waits for 20), 'd' at 50 (idle, so at once).
      const source = cold('a 4ms b 44ms c 10ms |', { a: 'ab', b: 'c', c: 'd' });
      expectObservable(source.pipe(smoothText({ intervalMs: 10 }))).toBe('a 9ms b 9ms c 29ms d 10ms |', { a: 'a', b: 'b', c: 'c', d: 'd' });
    });
  });

  it('flushes the rest at once on completion by default', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a|', { a: 'abcd' }).pipe(smoothText({ intervalMs: 10 }))).toBe('a(r|)', { a: 'a', r: 'bcd' });
    });
  });

  it('keeps the pace on completion with flush: paced, completing with the last unit', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a|', { a: 'abc' }).pipe(smoothText({ intervalMs: 10, flush: 'paced' }))).toBe('a 9ms b 9ms (c|)', { a: 'a', b: 'b', c: 'c' });
    });
  });

  it('emits whole words once the whitespace after them arrives', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const source = cold('a 30ms b 100ms |', { a: 'Hello wor', b: 'ld again' });
      expectObservable(source.pipe(smoothText({ unit: 'word', intervalMs: 10 }))).toBe('h 30ms w 100ms (x|)', { h: 'Hello', w: ' world', x: ' again' });
    });
  });

  it('spaces words by their length with charsPerSecond', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      // 100 chars/s = 10 ms per character: 'ab' holds the next word 20 ms, ' cdef' 50 ms.
      const source = cold('a 200ms |', { a: 'ab cdef gh' });
      expectObservable(source.pipe(smoothText({ unit: 'word', charsPerSecond: 100, flush: 'paced' }))).toBe('a 19ms b 180ms (c|)', { a: 'ab', b: ' cdef', c: ' gh' });
    });
  });

  it('reads content.delta events and ignores the others', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const events: Record<string, StreamEvent> = {
        r: { ...base, type: 'reasoning.delta', field: 'reasoning', delta: 'hmm', reasoning: 'hmm' },
        c: { ...base, type: 'content.delta', delta: 'Hi', content: 'Hi' },
        f: { ...base, type: 'finish', reason: 'stop' },
      };
      expectObservable(cold('r c f 20ms |', events).pipe(smoothText({ intervalMs: 5 }))).toBe('-a 4ms b 16ms |', { a: 'H', b: 'i' });
    });
  });

  it('never cuts a surrogate pair, even across deltas', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const [high, low] = ['😀'.charAt(0), '😀'.charAt(1)];
      const source = cold('a 20ms b 50ms |', { a: `x${high}`, b: `${low}y` });
      expectObservable(source.pipe(smoothText({ intervalMs: 10 }))).toBe('a 20ms b 9ms c 40ms |', { a: 'x', b: '😀', c: 'y' });
    });
  });

  it('emits the waiting text, then the error, when the source fails', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a#', { a: 'abc' }).pipe(smoothText({ intervalMs: 10 }))).toBe('a(r#)', { a: 'a', r: 'bc' });
    });
  });

  it('stops on unsubscribe', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold('a', { a: 'abcdef' }).pipe(smoothText({ intervalMs: 100 })), '^ 150ms !').toBe('a 99ms b', { a: 'a', b: 'b' });
    });
    expect(scheduler.frame).toBeLessThan(200);
  });

  it('rejects both intervalMs and charsPerSecond, and bad rates', () => {
    expect(() => smoothText({ intervalMs: 10, charsPerSecond: 10 })).toThrow(UsageError);
    expect(() => smoothText({ charsPerSecond: 0 })).toThrow(UsageError);
    expect(() => smoothText({ intervalMs: -1 })).toThrow(UsageError);
  });

  it('property: the output joined equals the input joined, for any cut, unit and flush', () => {
    const deltas = fc.array(fc.string({ unit: fc.constantFrom('a', 'b', ' ', '\n', 'é', '😀', '\t') as fc.Arbitrary<string>, maxLength: 8 }), { maxLength: 12 });
    fc.assert(
      fc.property(deltas, fc.constantFrom<'char' | 'word'>('char', 'word'), fc.constantFrom<'immediate' | 'paced'>('immediate', 'paced'), fc.nat(20), (input, unit, flush, gap) => {
        const out: string[] = [];
        testScheduler().run(({ cold, flush: run }) => {
          const marble = input.map((_, i) => `${'-'.repeat(gap)}${String.fromCharCode(97 + i)}`).join('') + '|';
          const values = Object.fromEntries(input.map((text, i) => [String.fromCharCode(97 + i), text]));
          cold(marble, values).pipe(smoothText({ unit, intervalMs: 3, flush })).subscribe((text) => out.push(text));
          run();
        });
        expect(out.join('')).toBe(input.join(''));
        expect(out.every((text) => text.length > 0)).toBe(true);
      }),
    );
  });

  it('works without a test scheduler on plain strings', async () => {
    const out: string[] = [];
    await new Promise<void>((resolve) => from(['ab', 'c']).pipe(smoothText({ intervalMs: 0, flush: 'paced' })).subscribe({ next: (t) => out.push(t), complete: resolve }));
    expect(out).toEqual(['a', 'b', 'c']);
  });
});

describe('nextUnitEnd', () => {
  it('cuts words with their leading whitespace and waits for the next whitespace', () => {
    expect(nextUnitEnd('  Hello world', 0, 'word', false)).toBe(7);
    expect(nextUnitEnd('Hello wor', 5, 'word', false)).toBe(-1);
    expect(nextUnitEnd('Hello wor', 5, 'word', true)).toBe(9);
    expect(nextUnitEnd('end.  \n', 0, 'word', true)).toBe(7);
    expect(nextUnitEnd('   ', 0, 'word', false)).toBe(-1);
    expect(nextUnitEnd('   ', 0, 'word', true)).toBe(3);
  });
});
