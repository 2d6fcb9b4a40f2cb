import { checkOptions } from '../assembly/check-options.js';
import { bodyFormat, messageEnds } from './message-boundaries.js';
import type { Recording, RecordingPiece } from './recording.js';

/**
 * How a replay spaces its pieces:
 * - `recorded`: the recorded piece boundaries at the recorded times (a body without pieces is one piece at t=0);
 * - `synthetic`: one piece per SSE event / NDJSON line, `tokensPerSecond` of them per second;
 * - `instant`: the recorded pieces, all at once, synchronously on subscribe.
 */
export type ReplayTiming = 'recorded' | 'synthetic' | 'instant';

export interface ReplayTimingOptions {
  /** Default `synthetic` when `tokensPerSecond` is given, else `recorded`. */
  timing?: ReplayTiming;
  /** Time runs this many times faster (`4`: a quarter of the recorded delays). Default 1. */
  speed?: number;
  /** Messages per second for `synthetic` timing. Default {@link DEFAULT_TOKENS_PER_SECOND}. */
  tokensPerSecond?: number;
}

/** The plan a replay follows: pieces with their due times (ms after subscribe) and when to complete. */
export interface ReplayPlan {
  pieces: RecordingPiece[];
  /** Completion time; the last piece's time, or the recorded end when that is later. */
  completeAt: number;
  /** Everything happens synchronously on subscribe. */
  instant: boolean;
}

export const DEFAULT_TOKENS_PER_SECOND = 50;

/**
 * Computes when each piece of a recording is due. Pure: the replay operator only follows it.
 *
 * @throws UsageError for a speed or rate that is not a positive finite number.
 * @example
 * ```ts
 * replayPlan(recording, { speed: 2 }).pieces.map((p) => p.at); // recorded times, halved
 * ```
 */
/** The options that set a replay's pace, checked by every entry that takes them. */
export const REPLAY_TIMING_OPTIONS = ['speed', 'tokensPerSecond', 'timing'] as const;

export function replayPlan(recording: Recording, options: ReplayTimingOptions = {}): ReplayPlan {
  checkOptions('replay', options, REPLAY_TIMING_OPTIONS);
  const speed = options.speed ?? 1;
  const rate = options.tokensPerSecond ?? DEFAULT_TOKENS_PER_SECOND;
  const timing = options.timing ?? (options.tokensPerSecond !== undefined ? 'synthetic' : 'recorded');
  const body = recording.body;

  if (timing === 'synthetic') {
    const interval = 1000 / rate / speed;
    const pieces: RecordingPiece[] = [];
    let offset = 0;
    for (const end of messageEnds(body, bodyFormat(recording))) {
      pieces.push({ offset, length: end - offset, at: pieces.length * interval });
      offset = end;
    }
    return { pieces, completeAt: pieces.length ? pieces[pieces.length - 1]!.at : 0, instant: false };
  }
  const recorded = recording.pieces ?? (body.length ? [{ offset: 0, length: body.length, at: 0 }] : []);
  if (timing === 'instant') return { pieces: recorded.map((p) => ({ ...p, at: 0 })), completeAt: 0, instant: true };
  const pieces = recorded.map(({ offset, length, at }) => ({ offset, length, at: at / speed }));
  const lastAt = pieces.length ? pieces[pieces.length - 1]!.at : 0;
  const endAt = recording.end ? recording.end.at / speed : 0;
  return { pieces, completeAt: Math.max(lastAt, endAt), instant: false };
}
