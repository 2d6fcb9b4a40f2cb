import type { Recording } from '../replay/recording.js';
import { replayResponse } from '../replay/replay-response.js';
import type { ReplayOptions } from '../replay/replay.js';

/**
 * The `Response` a replayed request gets: {@link replayResponse} (recorded status, headers,
 * pieces and timing), with the request's URL, a body that fails with the request's abort
 * reason when its signal fires, and a body that fails at its end, as the network did, when
 * the recording ended in an error (`end.outcome: 'error'`, e.g. a dropped connection).
 *
 * @example
 * ```ts
 * const response = replayedResponse(recording, { timing: 'instant' }, 'http://localhost/v1/chat/completions');
 * ```
 */
export function replayedResponse(recording: Recording, options: ReplayOptions, url: string, signal?: AbortSignal | null): Response {
  const replayed = replayResponse(recording, options);
  const end = recording.end;
  // Like undici's `TypeError: terminated` when a connection drops mid-body.
  const failure = end?.outcome === 'error' ? new TypeError(end.error || 'terminated') : undefined;
  const response = replayed.body && (failure || signal) ? new Response(guarded(replayed.body, failure, signal ?? undefined), replayed) : replayed;
  if (url) Object.defineProperty(response, 'url', { value: url });
  return response;
}

function guarded(body: ReadableStream<Uint8Array>, failure: Error | undefined, signal: AbortSignal | undefined): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let onAbort: (() => void) | undefined;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        if (!signal) return;
        onAbort = () => {
          controller.error(signal.reason);
          reader.cancel(signal.reason).catch(() => {});
        };
        if (signal.aborted) onAbort();
        else signal.addEventListener('abort', onAbort, { once: true });
      },
      async pull(controller) {
        const { value, done } = await reader.read();
        if (signal?.aborted) return;
        if (!done) return controller.enqueue(value);
        if (onAbort) signal?.removeEventListener('abort', onAbort);
        if (failure) controller.error(failure);
        else controller.close();
      },
      cancel(reason) {
        if (onAbort) signal?.removeEventListener('abort', onAbort);
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
