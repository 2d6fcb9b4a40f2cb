import { Observable, asyncScheduler, type OperatorFunction, type SchedulerAction, type SchedulerLike, type Subscription } from 'rxjs';
import type { StreamEvent } from '../assembly/events.js';
import { UsageError } from '../errors.js';
import { isTokenEvent } from './token-events.js';

/**
 * What a "the assistant is typing…" indicator shows:
 * `waiting` (subscribed, no token yet), `typing`, `paused` (no token for a while),
 * `done` (the stream completed), `error` (the stream failed).
 */
export type TypingState = 'waiting' | 'typing' | 'paused' | 'done' | 'error';

/** What can happen to the indicator: a token, a long enough silence, the end, a failure. */
export type TypingSignal = 'token' | 'silence' | 'complete' | 'error';

export interface TypingIndicatorOptions {
  /** Silence after a token that counts as a pause. Default 1500 ms. */
  pauseAfterMs?: number;
  /** Whose clock measures the silence. Default `asyncScheduler`. */
  scheduler?: SchedulerLike;
}

/**
 * The pure state machine behind {@link typingIndicator}. `done` and `error` are final; a
 * silence before the first token keeps `waiting`.
 *
 * @example
 * ```ts
 * nextTypingState('paused', 'token'); // 'typing'
 * ```
 */
export function nextTypingState(state: TypingState, signal: TypingSignal): TypingState {
  if (state === 'done' || state === 'error') return state;
  switch (signal) {
    case 'token':
      return 'typing';
    case 'silence':
      return state === 'typing' ? 'paused' : state;
    case 'complete':
      return 'done';
    case 'error':
      return 'error';
  }
}

/**
 * Turns stream events into typing-indicator states, emitted only when they change:
 * `waiting` at once on subscribe, `typing` on each token after a silence, `paused` once no
 * token came for `pauseAfterMs`, then `done` when the source completes.
 *
 * When the source fails, it emits `error` and completes (it does not rethrow): the indicator
 * is a display state, and the failure itself reaches whoever consumes the events. One timer
 * at most is pending per subscription (it is re-armed on expiry, not on every token) and none
 * is left after the end.
 *
 * @example
 * ```ts
 * const events = stream.events.pipe(share());
 * events.pipe(typingIndicator({ pauseAfterMs: 1000 })).subscribe((state) => (dots.hidden = state !== 'typing'));
 * ```
 */
export function typingIndicator(options: TypingIndicatorOptions = {}): OperatorFunction<StreamEvent, TypingState> {
  const pauseAfterMs = options.pauseAfterMs ?? 1500;
  if (!Number.isFinite(pauseAfterMs) || pauseAfterMs <= 0) throw new UsageError(`pauseAfterMs must be a positive number, got ${pauseAfterMs}`);
  const scheduler = options.scheduler ?? asyncScheduler;

  return (source) =>
    new Observable<TypingState>((subscriber) => {
      let state: TypingState = 'waiting';
      let lastTokenAt = 0;
      let timer: Subscription | undefined;
      const signal = (what: TypingSignal) => {
        const next = nextTypingState(state, what);
        if (next === state) return;
        state = next;
        subscriber.next(state);
      };
      // Fires pauseAfterMs after the token that armed it; if tokens came since, waits out the rest.
      function checkSilence(this: SchedulerAction<undefined>) {
        const quiet = scheduler.now() - lastTokenAt;
        if (quiet < pauseAfterMs) {
          this.schedule(undefined, pauseAfterMs - quiet);
          return;
        }
        timer = undefined;
        signal('silence');
      }

      subscriber.next(state);
      const subscription = source.subscribe({
        next(event) {
          if (!isTokenEvent(event)) return;
          lastTokenAt = scheduler.now();
          signal('token');
          timer ??= scheduler.schedule(checkSilence, pauseAfterMs);
        },
        error() {
          signal('error');
          subscriber.complete();
        },
        complete() {
          signal('complete');
          subscriber.complete();
        },
      });
      return () => {
        subscription.unsubscribe();
        timer?.unsubscribe();
      };
    });
}
