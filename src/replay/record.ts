import { checkOptions } from '../assembly/check-options.js';
import { Observable, asyncScheduler, type SchedulerLike } from 'rxjs';
import type { Recording, RecordingEnd, RecordingMeta, RecordingPiece } from './recording.js';

export interface RecordOptions {
  /** Whose clock times the pieces. Default `asyncScheduler` (`Date.now`); a `TestScheduler` gives virtual times. */
  scheduler?: SchedulerLike;
  /** The scheduler time the request started; piece times count from it. Default: the time of subscribing. */
  startedAt?: number;
  /** Metadata to attach, or a function read when the stream ends (so an `onResponse` callback can fill it in). */
  meta?: RecordingMeta | (() => RecordingMeta | undefined);
}

export interface Recorder {
  /** The source's bytes, unchanged and undelayed. The first subscription is the one recorded. */
  bytes: Observable<Uint8Array>;
  /**
   * Resolves once the recorded subscription ends: completed, failed (`end.outcome: 'error'`,
   * with what arrived before) or unsubscribed (`'cancelled'`). It never rejects; it stays
   * pending while nobody subscribes to `bytes`.
   */
  recording: Promise<Recording>;
}

/**
 * Tees a live byte source into a {@link Recording} while the consumer reads at full speed:
 * per piece it only keeps the reference and the time, and joins the body after the stream
 * ends. The pieces must not be changed after they are emitted (fetch and Node streams never do).
 *
 * @example
 * ```ts
 * const { bytes, recording } = record(fromSource(await fetch(url, init)));
 * bytes.pipe(decodeSse()).subscribe(render);
 * await writeRecording('recordings/openai-text.sse', await recording);
 * ```
 */
export function record(source: Observable<Uint8Array>, options: RecordOptions = {}): Recorder {
  checkOptions('record', options, ['scheduler', 'startedAt', 'meta']);
  const scheduler = options.scheduler ?? asyncScheduler;
  let resolve!: (recording: Recording) => void;
  const recording = new Promise<Recording>((r) => (resolve = r));
  let recorded = false;

  const bytes = new Observable<Uint8Array>((subscriber) => {
    if (recorded) return source.subscribe(subscriber);
    recorded = true;
    const start = options.startedAt ?? scheduler.now();
    const chunks: Uint8Array[] = [];
    const times: number[] = [];
    let sourceEnded = false;
    const finish = (at: number, outcome: RecordingEnd['outcome'], error?: unknown) => {
      const end: RecordingEnd = { at: at - start, outcome };
      if (outcome === 'error') end.error = error instanceof Error ? error.message : String(error);
      resolve(assemble(chunks, times, end, typeof options.meta === 'function' ? options.meta() : options.meta));
    };
    const subscription = source.subscribe({
      next(piece) {
        chunks.push(piece);
        times.push(scheduler.now() - start);
        subscriber.next(piece);
      },
      // The consumer hears first; the body is joined afterwards.
      error(error: unknown) {
        const at = scheduler.now();
        sourceEnded = true;
        subscriber.error(error);
        finish(at, 'error', error);
      },
      complete() {
        const at = scheduler.now();
        sourceEnded = true;
        subscriber.complete();
        finish(at, 'complete');
      },
    });
    return () => {
      subscription.unsubscribe();
      if (!sourceEnded) {
        sourceEnded = true;
        finish(scheduler.now(), 'cancelled');
      }
    };
  });
  return { bytes, recording };
}

function assemble(chunks: Uint8Array[], times: number[], end: RecordingEnd, meta: RecordingMeta | undefined): Recording {
  let total = 0;
  for (const chunk of chunks) total += chunk.byteLength;
  const body = new Uint8Array(total);
  const pieces: RecordingPiece[] = [];
  let offset = 0;
  for (let i = 0; i < chunks.length; i++) {
    const chunk = chunks[i]!;
    body.set(chunk, offset);
    pieces.push({ offset, length: chunk.byteLength, at: times[i]! });
    offset += chunk.byteLength;
  }
  const recording: Recording = { body, pieces, end };
  if (meta) recording.meta = meta;
  return recording;
}
