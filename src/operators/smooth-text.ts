import { checkOptions } from '../assembly/check-options.js';
import { Observable, asyncScheduler, type OperatorFunction, type SchedulerLike, type Subscription } from 'rxjs';
import type { StreamEvent } from '../assembly/events.js';
import { UsageError } from '../errors.js';
import { nextUnitEnd, type TextUnit } from './text-units.js';

export interface SmoothTextOptions {
  /** Emit one character (code point) or one word at a time. Default `char`. */
  unit?: TextUnit;
  /** Fixed time between two units. Give this or `charsPerSecond`, not both. */
  intervalMs?: number;
  /** Pace in characters per second; a word waits in proportion to its length. Default {@link DEFAULT_CHARS_PER_SECOND}. */
  charsPerSecond?: number;
  /**
   * What happens to text still waiting when the source completes: `immediate` (default) emits
   * it at once as one string, so the full answer shows without delay; `paced` keeps emitting
   * unit by unit at the same pace and completes after the last one.
   */
  flush?: 'immediate' | 'paced';
  /** Where the pacing delays run. Default `asyncScheduler`. */
  scheduler?: SchedulerLike;
}

export const DEFAULT_CHARS_PER_SECOND = 250;

// Drop consumed text once it is both large and most of the buffer.
const COMPACT_AFTER = 4096;

/**
 * Turns bursty text into steady per-character or per-word emissions for display. Input is
 * `content.delta` events (other events are ignored) or plain strings. The first unit goes out
 * as soon as it arrives; each next one waits the pace after the previous one. Nothing is lost
 * or reordered: the output joined equals the input joined.
 *
 * On completion the waiting text is emitted at once (`flush: 'immediate'`, default) or at pace
 * (`'paced'`). On error the waiting text is emitted at once, then the error is passed on.
 *
 * @example
 * ```ts
 * events.pipe(smoothText({ unit: 'word', charsPerSecond: 120 })).subscribe((text) => (output.textContent += text));
 * ```
 */
export function smoothText(options: SmoothTextOptions = {}): OperatorFunction<StreamEvent | string, string> {
  checkOptions('smoothText', options, ['unit', 'intervalMs', 'charsPerSecond', 'flush', 'scheduler']);
  const unit = options.unit ?? 'char';
  const flush = options.flush ?? 'immediate';
  const scheduler = options.scheduler ?? asyncScheduler;
  const paceOf = pacing(options, unit);

  return (source) =>
    new Observable<string>((subscriber) => {
      let buffer = '';
      let pos = 0;
      let ended = false;
      let readyAt = -Infinity;
      let scheduled = false;
      // At most one pending action: a new one is scheduled only after the last one ran.
      let timer: Subscription | undefined;

      const take = (end: number) => {
        const text = buffer.slice(pos, end);
        pos = end;
        if (pos > COMPACT_AFTER && pos * 2 > buffer.length) {
          buffer = buffer.slice(pos);
          pos = 0;
        }
        return text;
      };
      const emitRest = () => {
        if (pos < buffer.length) subscriber.next(take(buffer.length));
      };
      // Emits one unit when its time has come, then waits the pace; idles when no unit is complete.
      const tick = () => {
        scheduled = false;
        const now = scheduler.now();
        if (now < readyAt) return wait(readyAt - now);
        const end = nextUnitEnd(buffer, pos, unit, ended);
        if (end < 0) {
          if (ended) subscriber.complete();
          return;
        }
        const text = take(end);
        const pace = paceOf(text);
        readyAt = now + pace;
        subscriber.next(text);
        // A paced flush completes with its last unit, not one pace later.
        if (ended && pos === buffer.length) subscriber.complete();
        else wait(pace);
      };
      const wait = (delay: number) => {
        scheduled = true;
        timer = scheduler.schedule(tick, delay);
      };

      const subscription = source.subscribe({
        next(value) {
          const text = typeof value === 'string' ? value : value.type === 'content.delta' ? value.delta : '';
          if (!text) return;
          buffer += text;
          if (!scheduled) tick();
        },
        error(error: unknown) {
          emitRest();
          subscriber.error(error);
        },
        complete() {
          ended = true;
          if (flush === 'immediate') {
            emitRest();
            subscriber.complete();
          } else if (!scheduled) tick();
        },
      });
      return () => {
        subscription.unsubscribe();
        timer?.unsubscribe();
      };
    });
}

function pacing(options: SmoothTextOptions, unit: TextUnit): (text: string) => number {
  const { intervalMs, charsPerSecond } = options;
  if (intervalMs !== undefined && charsPerSecond !== undefined) throw new UsageError('smoothText takes intervalMs or charsPerSecond, not both');
  if (intervalMs !== undefined) return () => intervalMs;
  const perChar = 1000 / (charsPerSecond ?? DEFAULT_CHARS_PER_SECOND);
  return unit === 'char' ? () => perChar : (text) => text.length * perChar;
}
