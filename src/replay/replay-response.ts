import type { Observable } from 'rxjs';
import { contentTypeOfRecording } from './message-boundaries.js';
import type { Recording } from './recording.js';
import { replay, type ReplayOptions } from './replay.js';
import { toReadableStream } from './to-readable-stream.js';

// The replayed body is already decoded and its length is not announced up front.
const DROPPED_HEADERS = new Set(['content-length', 'content-encoding', 'transfer-encoding', 'connection', 'keep-alive']);
// Statuses whose responses cannot have a body.
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/**
 * A recording replayed as a web `ReadableStream<Uint8Array>` (see {@link replay} for options).
 *
 * @example
 * ```ts
 * const reader = replayAsReadableStream(recording, { timing: 'instant' }).getReader();
 * ```
 */
export function replayAsReadableStream(recording: Recording, options: ReplayOptions = {}): ReadableStream<Uint8Array> {
  return toReadableStream(replay(recording, options));
}

/**
 * A fetch `Response` with the recorded status, status text and headers (content length and
 * encoding dropped, since the body is replayed decoded) whose body streams the replay. The
 * content type is the recorded one, else `text/event-stream` or `application/x-ndjson` by the
 * body's look. The replay's clock starts at the first read of the body.
 *
 * @example
 * ```ts
 * const fetchStub = async () => replayResponse(recording, { speed: 10 });
 * ```
 */
export function replayResponse(recording: Recording, options: ReplayOptions = {}): Response {
  return responseFor(recording, replay(recording, options));
}

function responseFor(recording: Recording, bytes: Observable<Uint8Array>): Response {
  const meta = recording.meta ?? {};
  const headers = new Headers();
  for (const [name, value] of Object.entries(meta.headers ?? {})) {
    if (!DROPPED_HEADERS.has(name.toLowerCase())) headers.set(name, value);
  }
  const contentType = contentTypeOfRecording(recording);
  headers.set('content-type', contentType);
  const status = meta.status ?? 200;
  const body = NULL_BODY_STATUSES.has(status) ? null : toReadableStream(bytes);
  return new Response(body, { status, statusText: meta.statusText ?? '', headers });
}
