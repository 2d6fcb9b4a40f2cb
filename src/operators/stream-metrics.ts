import { Observable, asyncScheduler, type OperatorFunction, type SchedulerLike } from 'rxjs';
import type { StreamEvent } from '../assembly/events.js';
import { checkOptions } from '../assembly/check-options.js';
import { timeWindowCounter } from './time-window.js';
import { isTokenEvent } from './token-events.js';

/** Live numbers about a stream's tokens (see {@link isTokenEvent}); times in ms. */
export interface StreamMetrics {
  /** From subscribe to the first token; undefined until it comes. */
  timeToFirstTokenMs: number | undefined;
  /** Tokens so far. */
  tokens: number;
  /** From subscribe to now. */
  elapsedMs: number;
  /** Generation rate: token intervals per second between the first and the last token (0 before two tokens at different times). */
  tokensPerSecond: number;
  /** Tokens that arrived in the last `windowMs`, per second. */
  movingTokensPerSecond: number;
  /** Time between the last two tokens; undefined before the second. */
  lastGapMs: number | undefined;
  /** Longest time between two tokens so far; undefined before the second. */
  maxGapMs: number | undefined;
  /** True on the final metrics, emitted when the source completes. */
  done: boolean;
}

export interface StreamMetricsOptions {
  /** Whose clock to read. Default `asyncScheduler`. */
  scheduler?: SchedulerLike;
  /** Span of the moving rate. Default 1000 ms. */
  windowMs?: number;
}

/** The pure tracker behind {@link streamMetrics}: feed it token times, read metrics at any time. */
export interface MetricsTracker {
  token(now: number): void;
  read(now: number, done: boolean): StreamMetrics;
}

/**
 * Creates a metrics tracker whose clock started at `startedAt`. O(1) per token (amortised).
 *
 * @example
 * ```ts
 * const tracker = metricsTracker(0, 1000);
 * tracker.token(200); tracker.token(300);
 * tracker.read(300, false).tokensPerSecond; // 10
 * ```
 */
export function metricsTracker(startedAt: number, windowMs: number): MetricsTracker {
  checkOptions('metricsTracker', { startedAt, windowMs }, ['startedAt', 'windowMs']);
  const recent = timeWindowCounter(windowMs);
  let tokens = 0;
  let firstAt = 0;
  let lastAt = 0;
  let lastGap: number | undefined;
  let maxGap: number | undefined;
  return {
    token(now) {
      if (tokens === 0) firstAt = now;
      else {
        lastGap = now - lastAt;
        if (maxGap === undefined || lastGap > maxGap) maxGap = lastGap;
      }
      tokens++;
      lastAt = now;
      recent.add(now);
    },
    read(now, done) {
      const span = lastAt - firstAt;
      return {
        timeToFirstTokenMs: tokens ? firstAt - startedAt : undefined,
        tokens,
        elapsedMs: now - startedAt,
        tokensPerSecond: span > 0 ? ((tokens - 1) * 1000) / span : 0,
        movingTokensPerSecond: (recent.countAt(now) * 1000) / windowMs,
        lastGapMs: lastGap,
        maxGapMs: maxGap,
        done,
      };
    },
  };
}

/**
 * Emits {@link StreamMetrics} after each token, and once more (`done: true`) when the source
 * completes. Errors pass through. Time is read from the scheduler, so `TestScheduler` gives
 * exact values.
 *
 * @example
 * ```ts
 * events.pipe(streamMetrics()).subscribe((m) => (status.textContent = `${m.tokensPerSecond.toFixed(1)} tok/s`));
 * ```
 */
export function streamMetrics(options: StreamMetricsOptions = {}): OperatorFunction<StreamEvent, StreamMetrics> {
  checkOptions('streamMetrics', options, ['windowMs', 'scheduler']);
  const windowMs = options.windowMs ?? 1000;
  const scheduler = options.scheduler ?? asyncScheduler;

  return (source) =>
    new Observable<StreamMetrics>((subscriber) => {
      const tracker = metricsTracker(scheduler.now(), windowMs);
      return source.subscribe({
        next(event) {
          if (!isTokenEvent(event)) return;
          const now = scheduler.now();
          tracker.token(now);
          subscriber.next(tracker.read(now, false));
        },
        error: (error: unknown) => subscriber.error(error),
        complete() {
          subscriber.next(tracker.read(scheduler.now(), true));
          subscriber.complete();
        },
      });
    });
}
