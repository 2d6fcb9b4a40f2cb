/**
 * Virtual time for the slow-server tests: an RxJS VirtualTimeScheduler that the idle timeout
 * runs on, plus sources whose bytes arrive at virtual instants. Advancing the clock runs the
 * due actions one instant at a time and lets the promise jobs in between run (the byte sources
 * are promise-based), so no test waits on the wall clock.
 */
import { VirtualTimeScheduler } from 'rxjs';

export interface VirtualClock {
  readonly scheduler: VirtualTimeScheduler;
  /** Virtual milliseconds since the start. */
  now(): number;
  /** Runs `work` at virtual time `at` (ms). */
  at(at: number, work: () => void): void;
  /** Advances to `to` (ms), running what is due on the way, in order. */
  advanceTo(to: number): Promise<void>;
}

/** Lets pending promise jobs and I/O callbacks run (no timers are waited for). */
export async function settle(rounds = 4): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

export function virtualClock(): VirtualClock {
  const scheduler = new VirtualTimeScheduler();
  const internals = scheduler as unknown as { actions: Array<{ delay: number }>; frame: number; maxFrames: number };
  return {
    scheduler,
    now: () => internals.frame,
    at(at, work) {
      scheduler.schedule(work, Math.max(0, at - internals.frame));
    },
    async advanceTo(to) {
      await settle();
      for (;;) {
        const next = internals.actions[0];
        if (next === undefined || next.delay > to) break;
        internals.maxFrames = next.delay;
        scheduler.flush();
        await settle();
      }
      internals.maxFrames = Infinity;
      if (internals.frame < to) internals.frame = to;
      await settle();
    },
  };
}

/**
 * A byte source whose pieces arrive at virtual instants: `[[0, 'data: …'], [500, '…']]`. After
 * the last piece it either ends (`end: true`) or stalls forever. Records whether it was
 * cancelled and how many pieces were taken.
 */
export function timedSource(clock: VirtualClock, pieces: Array<[number, string | Uint8Array]>, options: { end?: boolean } = {}) {
  const state = { cancelled: false, delivered: 0 };
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const [at, piece] of pieces) {
        clock.at(at, () => {
          if (state.cancelled) return;
          state.delivered++;
          controller.enqueue(typeof piece === 'string' ? encoder.encode(piece) : piece);
        });
      }
      if (options.end) {
        const last = pieces.length > 0 ? pieces[pieces.length - 1]![0] : 0;
        clock.at(last, () => {
          if (!state.cancelled) controller.close();
        });
      }
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { stream, state };
}
