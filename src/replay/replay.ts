import { checkOptions } from '../assembly/check-options.js';
import { Observable, asyncScheduler, type SchedulerAction, type SchedulerLike } from 'rxjs';
import type { Recording } from './recording.js';
import { replayPlan, type ReplayTimingOptions } from './replay-plan.js';

export interface ReplayOptions extends ReplayTimingOptions {
  /** Where the delays run. Default `asyncScheduler`; pass a `TestScheduler` for virtual time. */
  scheduler?: SchedulerLike;
}

/**
 * Plays a recording back as a cold `Observable<Uint8Array>`: each subscription starts the
 * body over, with the recorded piece boundaries and times (`timing: 'recorded'`), scaled
 * (`speed`), spaced evenly per SSE event / NDJSON line (`tokensPerSecond`), or all at once
 * (`timing: 'instant'`). Each piece is a fresh copy, so consumers may keep or change it.
 * Unsubscribing cancels the scheduled emissions.
 *
 * Pieces due at the same time are emitted together in one scheduled action; delays are measured
 * from the subscription's start, so real timers do not drift over long recordings.
 *
 * @throws UsageError (at call time) for a bad `speed`, `tokensPerSecond` or `timing`.
 * @example
 * ```ts
 * replay(recording, { speed: 4 }).pipe(decodeSse()).subscribe(console.log);
 * ```
 */
export function replay(recording: Recording, options: ReplayOptions = {}): Observable<Uint8Array> {
  checkOptions('replay', options, ['scheduler']);
  const plan = replayPlan(recording, options);
  const scheduler = options.scheduler ?? asyncScheduler;
  const { body } = recording;
  const { pieces, completeAt } = plan;

  return new Observable<Uint8Array>((subscriber) => {
    if (plan.instant) {
      for (const { offset, length } of pieces) {
        if (subscriber.closed) return;
        subscriber.next(body.slice(offset, offset + length));
      }
      subscriber.complete();
      return;
    }

    const start = scheduler.now();
    // Emits everything due by now, then schedules itself for the next due time.
    function work(this: SchedulerAction<number>, next = 0): void {
      const elapsed = scheduler.now() - start;
      while (next < pieces.length && pieces[next]!.at <= elapsed) {
        const { offset, length } = pieces[next++]!;
        subscriber.next(body.slice(offset, offset + length));
        if (subscriber.closed) return;
      }
      const dueAt = next < pieces.length ? pieces[next]!.at : completeAt;
      if (next >= pieces.length && dueAt <= elapsed) {
        subscriber.complete();
        return;
      }
      this.schedule(next, Math.max(0, dueAt - elapsed));
    }
    const first = pieces.length ? pieces[0]!.at : completeAt;
    return scheduler.schedule(work, Math.max(0, first), 0);
  });
}
