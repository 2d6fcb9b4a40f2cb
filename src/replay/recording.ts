/**
 * The recording format: a raw response body exactly as received, plus optional timing and
 * request metadata. Types only; reading and writing live in `sidecar.ts` (web) and
 * `node/recording-files.ts` (files).
 *
 * On disk a recording is two files side by side:
 *
 * - the body, `NAME.sse` or `NAME.ndjson` (also `.jsonl`): the bytes `curl -N` would print;
 * - the optional sidecar, the body's file name plus `.json` (`NAME.sse.json`,
 *   `NAME.ndjson.json`), holding {@link RecordingSidecar}.
 *
 * `NAME.expected.json` (the expected final object) is a different file and never a sidecar.
 */

/** Version of the sidecar format written by this library. */
export const RECORDING_FORMAT_VERSION = 1;

/** The `format` tag every sidecar carries, so a stray JSON file is not taken for one. */
export const RECORDING_FORMAT_NAME = 'chunkwise-recording';

/** One network read: `length` bytes at `offset` in the body, arrived `at` ms after the request started. */
export interface RecordingPiece {
  offset: number;
  length: number;
  at: number;
}

/** How the recorded stream ended, `at` ms after the request started. */
export interface RecordingEnd {
  at: number;
  /** `complete`: the body ended; `error`: the source failed; `cancelled`: the consumer unsubscribed. */
  outcome: 'complete' | 'error' | 'cancelled';
  /** The error's message, when `outcome` is `error`. */
  error?: string;
}

/** What was asked and what came back, apart from the body. Every field is optional. */
export interface RecordingMeta {
  /** `openai`, `groq`, `ollama`, … */
  provider?: string;
  /** The request URL (or just its path). */
  endpoint?: string;
  method?: string;
  status?: number;
  statusText?: string;
  /** The response content type, e.g. `text/event-stream`. */
  contentType?: string;
  /** Response headers, lower-case names, secrets redacted. */
  headers?: Record<string, string>;
  /** The model the request asked for. */
  model?: string;
  /** The request body, secrets redacted. */
  requestBody?: unknown;
  /** ISO 8601 time the recording was made. */
  recordedAt?: string;
  /**
   * Why the recording exists, when it shows a server quirk (keep-alive pings, a mid-stream
   * error, a cut body): such a recording answers a request only when asked for by name, never
   * by model or as the default, in `chunkwise serve` and the test kit alike.
   */
  quirk?: string;
}

/**
 * A response body as received. Without `pieces` the body replays as one piece at t=0; with
 * them, `pieces` tile the body exactly (in order, no gaps, no overlaps) with non-decreasing `at`.
 */
export interface Recording {
  body: Uint8Array;
  pieces?: RecordingPiece[];
  meta?: RecordingMeta;
  end?: RecordingEnd;
}

/** The JSON stored in a sidecar file (`NAME.sse.json`). */
export interface RecordingSidecar {
  format: typeof RECORDING_FORMAT_NAME;
  version: number;
  meta?: RecordingMeta;
  pieces?: RecordingPiece[];
  end?: RecordingEnd;
}
