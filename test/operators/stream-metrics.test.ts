import fc from 'fast-check';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { StreamEvent } from '../../src/assembly/events.js';
import { UsageError } from '../../src/errors.js';
import { metricsTracker, streamMetrics, type StreamMetrics } from '../../src/operators/stream-metrics.js';
import { timeWindowCounter } from '../../src/operators/time-window.js';

const testScheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
const base = { choice: 0, snapshot: () => undefined };
const events: Record<string, StreamEvent> = {
  a: { ...base, type: 'content.delta', delta: 'a', content: 'a' },
  r: { ...base, type: 'reasoning.delta', field: 'thinking', delta: 'r', reasoning: 'r' },
  u: { ...base, type: 'usage', usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } },
};
const metrics = (m: Partial<StreamMetrics>): StreamMetrics => ({
  timeToFirstTokenMs: undefined,
  tokens: 0,
  elapsedMs: 0,
  tokensPerSecond: 0,
  movingTokensPerSecond: 0,
  lastGapMs: undefined,
  maxGapMs: undefined,
  done: false,
  ...m,
});

describe('streamMetrics', () => {
  it('gives exact time to first token, rates and gaps on virtual time', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      // Tokens at 10, 20 and 40 ms; completion at 1100 ms.
      const source = cold('10ms a 9ms r u 18ms a 1059ms |', events);
      expectObservable(source.pipe(streamMetrics())).toBe('10ms a 9ms b 19ms c 1059ms (d|)', {
        a: metrics({ timeToFirstTokenMs: 10, tokens: 1, elapsedMs: 10, movingTokensPerSecond: 1 }),
        b: metrics({ timeToFirstTokenMs: 10, tokens: 2, elapsedMs: 20, tokensPerSecond: 100, movingTokensPerSecond: 2, lastGapMs: 10, maxGapMs: 10 }),
        c: metrics({ timeToFirstTokenMs: 10, tokens: 3, elapsedMs: 40, tokensPerSecond: 2000 / 30, movingTokensPerSecond: 3, lastGapMs: 20, maxGapMs: 20 }),
        // The window has emptied by the end; the overall rate is between first and last token.
        d: metrics({ timeToFirstTokenMs: 10, tokens: 3, elapsedMs: 1100, tokensPerSecond: 2000 / 30, movingTokensPerSecond: 0, lastGapMs: 20, maxGapMs: 20, done: true }),
      });
    });
  });

  it('computes the moving rate over the configured window', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      // Tokens at 0, 300, 600; window 500 ms: at 600 the token at 0 has left it.
      const source = cold('a 299ms a 299ms a', events);
      const moving = source.pipe(streamMetrics({ windowMs: 500 }));
      expectObservable(moving).toBe('a 299ms b 299ms c', {
        a: metrics({ timeToFirstTokenMs: 0, tokens: 1, movingTokensPerSecond: 2 }),
        b: metrics({ timeToFirstTokenMs: 0, tokens: 2, elapsedMs: 300, tokensPerSecond: 1000 / 300, movingTokensPerSecond: 4, lastGapMs: 300, maxGapMs: 300 }),
        c: metrics({ timeToFirstTokenMs: 0, tokens: 3, elapsedMs: 600, tokensPerSecond: 2000 / 600, movingTokensPerSecond: 4, lastGapMs: 300, maxGapMs: 300 }),
      });
    });
  });

  it('emits final metrics without tokens when the stream ends empty', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('5ms u |', events).pipe(streamMetrics())).toBe('6ms (d|)', { d: metrics({ elapsedMs: 6, done: true }) });
    });
  });

  it('passes errors through', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a #', events).pipe(streamMetrics())).toBe('a #', { a: metrics({ timeToFirstTokenMs: 0, tokens: 1, movingTokensPerSecond: 1 }) });
    });
  });

  it('rejects a window that is not a positive number', () => {
    expect(() => streamMetrics({ windowMs: -5 })).toThrow(UsageError);
  });
});

describe('metricsTracker', () => {
  it('keeps the max gap across many tokens', () => {
    const tracker = metricsTracker(0, 1000);
    for (const at of [5, 6, 50, 51, 52]) tracker.token(at);
    expect(tracker.read(52, false)).toMatchObject({ tokens: 5, lastGapMs: 1, maxGapMs: 44, tokensPerSecond: 4000 / 47 });
  });
});

describe('timeWindowCounter', () => {
  it('grows past its initial capacity for a burst and still evicts in order', () => {
    const window = timeWindowCounter(100);
    for (let i = 0; i < 40; i++) window.add(10);
    for (let i = 0; i < 40; i++) window.add(60);
    expect(window.countAt(60)).toBe(80);
    expect(window.countAt(110)).toBe(40);
    expect(window.countAt(160)).toBe(0);
  });

  it('property: agrees with counting by filter', () => {
    const gaps = fc.array(fc.nat(30), { maxLength: 200 });
    fc.assert(
      fc.property(gaps, fc.integer({ min: 1, max: 100 }), (steps, windowMs) => {
        const window = timeWindowCounter(windowMs);
        const times: number[] = [];
        let now = 0;
        for (const step of steps) {
          now += step;
          window.add(now);
          times.push(now);
          expect(window.countAt(now)).toBe(times.filter((t) => t > now - windowMs).length);
        }
      }),
    );
  });
});
