import { Observable, asyncScheduler } from 'rxjs';
import { record } from '../replay/record.js';
import type { Recording } from '../replay/recording.js';
import { describeResponse } from '../replay/response-meta.js';
import type { RecordingRequest } from './types.js';

export interface ResponseRecorder {
  /** What the caller gets: the same status, headers and bytes, as they arrive. */
  response: Response;
  /** The recording, once the body has ended (completed, failed or was cancelled). Never rejects. */
  recording: Promise<Recording>;
}

/**
 * Tees a live response: the caller reads one branch at network speed, the recorder reads the
 * other at once and keeps each piece with its arrival time (counted from `startedAt`, the
 * `asyncScheduler` time the request was sent), so the caller never waits for the recording
 * or its file. The metadata has the status, the headers and the request (method, URL, model,
 * body), with credentials and the `redact` names replaced.
 *
 * @example
 * ```ts
 * const { response, recording } = recordResponse(await fetch(url, init), request, { startedAt, redact: ['user'] });
 * ```
 */
export function recordResponse(live: Response, request: RecordingRequest, options: { startedAt: number; redact: readonly string[] }): ResponseRecorder {
  const meta = describeResponse(live, { url: request.url, method: request.method, body: request.body }, options.redact);
  if (!live.body) {
    const at = asyncScheduler.now() - options.startedAt;
    return { response: live, recording: Promise.resolve({ body: new Uint8Array(0), pieces: [], end: { at, outcome: 'complete' }, meta }) };
  }
  const [forCaller, forRecorder] = live.body.tee();
  const { bytes, recording } = record(readAll(forRecorder), { startedAt: options.startedAt, meta });
  bytes.subscribe({ error: () => {} });
  const response = new Response(forCaller, live);
  if (live.url) Object.defineProperty(response, 'url', { value: live.url });
  return { response, recording };
}

/** Every piece of a stream, as read, with the reader's own error when it fails. */
function readAll(stream: ReadableStream<Uint8Array>): Observable<Uint8Array> {
  return new Observable<Uint8Array>((subscriber) => {
    const reader = stream.getReader();
    (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return subscriber.complete();
        subscriber.next(value);
      }
    })().catch((error: unknown) => subscriber.error(error));
    return () => {
      reader.cancel().catch(() => {});
    };
  });
}
