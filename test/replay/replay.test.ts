import fc from 'fast-check';
import { asyncScheduler } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import type { Recording } from '../../src/replay/recording.js';
import { replay } from '../../src/replay/replay.js';

const encode = (text: string) => new TextEncoder().encode(text);
const testScheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

/** A recording from [text, arrival ms] pairs. */
function recordingOf(parts: Array<[string, number]>, end?: number): Recording {
  const pieces: Recording['pieces'] = [];
  let offset = 0;
  for (const [text, at] of parts) {
    const length = encode(text).length;
    pieces.push({ offset, length, at });
    offset += length;
  }
  const recording: Recording = { body: encode(parts.map(([text]) => text).join('')), pieces };
  if (end !== undefined) recording.end = { at: end, outcome: 'complete' };
  return recording;
}

const sse = recordingOf(
  [
    ['data: {"a":1}\n\n', 0],
    ['data: {"b":2}\n', 3],
    ['\ndata: [DONE]\n\n', 10],
  ],
  12,
);
const values = { a: encode('data: {"a":1}\n\n'), b: encode('data: {"b":2}\n'), c: encode('\ndata: [DONE]\n\n') };

describe('replay', () => {
  it('reproduces the recorded piece boundaries and times exactly, completing at the recorded end', () => {
    testScheduler().run(({ expectObservable }) => {
      expectObservable(replay(sse)).toBe('a--b------c-|', values);
    });
  });

  it('runs time faster with speed: 4', () => {
    testScheduler().run(({ expectObservable }) => {
      // 0, 4, 20, end 24 → 0, 1, 5, end 6
      const recording = recordingOf([['x', 0], ['y', 4], ['z', 20]], 24);
      expectObservable(replay(recording, { speed: 4 })).toBe('ab---c|', { a: encode('x'), b: encode('y'), c: encode('z') });
    });
  });

  it('slows time down with speed: 0.5', () => {
    testScheduler().run(({ expectObservable }) => {
      const recording = recordingOf([['x', 0], ['y', 2]]);
      expectObservable(replay(recording, { speed: 0.5 })).toBe('a---(b|)', { a: encode('x'), b: encode('y') });
    });
  });

  it('spaces SSE events evenly with tokensPerSecond, whatever the recorded pieces were', () => {
    testScheduler().run(({ expectObservable }) => {
      expectObservable(replay(sse, { tokensPerSecond: 100 })).toBe('a 9ms b 9ms (c|)', {
        a: encode('data: {"a":1}\n\n'),
        b: encode('data: {"b":2}\n\n'),
        c: encode('data: [DONE]\n\n'),
      });
    });
  });

  it('spaces NDJSON lines evenly with synthetic timing, scaled by speed', () => {
    testScheduler().run(({ expectObservable }) => {
      const recording: Recording = { body: encode('{"a":1}\n{"b":2}\n') };
      expectObservable(replay(recording, { timing: 'synthetic', tokensPerSecond: 10, speed: 2 })).toBe('a 49ms (b|)', {
        a: encode('{"a":1}\n'),
        b: encode('{"b":2}\n'),
      });
    });
  });

  it('emits everything synchronously on subscribe with timing: instant', () => {
    const seen: string[] = [];
    let completed = false;
    replay(sse, { timing: 'instant' }).subscribe({ next: (piece) => seen.push(new TextDecoder().decode(piece)), complete: () => (completed = true) });
    expect(seen).toEqual(['data: {"a":1}\n\n', 'data: {"b":2}\n', '\ndata: [DONE]\n\n']);
    expect(completed).toBe(true);
  });

  it('replays a body without pieces as one piece at t=0', () => {
    testScheduler().run(({ expectObservable }) => {
      expectObservable(replay({ body: encode('{"done":true}\n') })).toBe('(a|)', { a: encode('{"done":true}\n') });
    });
  });

  it('completes without emitting for an empty body', () => {
    testScheduler().run(({ expectObservable }) => {
      expectObservable(replay({ body: new Uint8Array(0) })).toBe('|');
    });
  });

  it('emits pieces that share an arrival time in the same frame, in order', () => {
    testScheduler().run(({ expectObservable }) => {
      const recording = recordingOf([['x', 2], ['y', 2], ['z', 8]]);
      expectObservable(replay(recording)).toBe('--(ab)--(c|)', { a: encode('x'), b: encode('y'), c: encode('z') });
    });
  });

  it('stops emitting when unsubscribed', () => {
    testScheduler().run(({ expectObservable }) => {
      expectObservable(replay(sse), '-----!').toBe('a--b--', values);
    });
  });

  it('cancels its timers on unsubscribe with a real scheduler', async () => {
    const seen: Uint8Array[] = [];
    const subscription = replay(recordingOf([['x', 0], ['y', 30]]), { scheduler: asyncScheduler }).subscribe((piece) => seen.push(piece));
    await new Promise((resolve) => setTimeout(resolve, 5));
    subscription.unsubscribe();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen.map((p) => new TextDecoder().decode(p))).toEqual(['x']);
  });

  it('is cold: every subscription starts over, and emitted pieces are copies', () => {
    const recording = recordingOf([['abc', 0]]);
    const first: Uint8Array[] = [];
    replay(recording, { timing: 'instant' }).subscribe((piece) => first.push(piece));
    first[0]![0] = 0;
    const second: Uint8Array[] = [];
    replay(recording, { timing: 'instant' }).subscribe((piece) => second.push(piece));
    expect(new TextDecoder().decode(second[0])).toBe('abc');
  });

  it('rejects a speed or rate that is not a positive number when called', () => {
    expect(() => replay(sse, { speed: 0 })).toThrow(UsageError);
    expect(() => replay(sse, { speed: Number.NaN })).toThrow(UsageError);
    expect(() => replay(sse, { tokensPerSecond: -1 })).toThrow(UsageError);
    expect(() => replay(sse, { timing: 'fast' as never })).toThrow(UsageError);
  });

  it('property: any recording replays piece for piece at the recorded (scaled) times', () => {
    const parts = fc.array(fc.tuple(fc.string({ maxLength: 6 }), fc.integer({ min: 0, max: 50 })), { maxLength: 12 });
    fc.assert(
      fc.property(parts, fc.constantFrom(1, 2, 4), (raw, speed) => {
        let at = 0;
        const recording = recordingOf(raw.map(([text, gap]) => [text, (at += gap * speed)]));
        const seen: Array<[number, string]> = [];
        testScheduler().run(({ flush }) => {
          const scheduler = asyncScheduler;
          replay(recording, { speed }).subscribe((piece) => seen.push([scheduler.now(), new TextDecoder().decode(piece)]));
          flush();
        });
        expect(seen).toEqual(recording.pieces!.map((p, i) => [p.at / speed, raw[i]![0]]));
      }),
    );
  });
});
