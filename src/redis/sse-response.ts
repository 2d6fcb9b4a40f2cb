import { jsonText } from '../assembly/json-text.js';
import type { StreamEventType } from '../assembly/events.js';
import type { ChunkwiseError } from '../errors.js';
import type { RedisStreamEvent } from './entry-reader.js';
import { UsageError } from '../errors.js';
import { subscribe, type RedisResponseStream, type SubscribeOptions } from './subscribe.js';

export interface SseResponseOptions extends Omit<SubscribeOptions, 'after' | 'signal' | 'onCaughtUp'> {
  /** Only these event types are sent (default: all). Ids stay those of the stream, so resuming works the same. */
  types?: readonly StreamEventType[];
  /** Sent as the SSE `retry:` field: how soon a browser reconnects (ms). */
  retryMs?: number;
  /** Extra response headers. */
  headers?: Record<string, string>;
  /** A comment line this often while no event comes, so that proxies keep the connection open (ms). Default 15 000; 0 for none. */
  keepAliveMs?: number;
}

/** The SSE event that carries a failure (not `error`: EventSource uses that name for its own connection errors). */
export const SSE_ERROR_EVENT = 'stream.error';

const encoder = new TextEncoder();

// Events carry chunks and responses as deep as the depth limit lets them: written without recursion.
const frame = (event: RedisStreamEvent) => `id: ${event.id}\nevent: ${event.type}\ndata: ${jsonText(event)}\n\n`;

function errorFrame(error: unknown): string {
  const e = error as ChunkwiseError;
  const payload = { ...e, name: e?.name, code: e?.code, message: e?.message ?? String(error) };
  delete (payload as { cause?: unknown }).cause;
  return `event: ${SSE_ERROR_EVENT}\ndata: ${jsonText(payload)}\n\n`;
}

/**
 * The response published under `key` as Server-Sent Events, one per stream event: `id:` is
 * the event's id, `event:` its type, `data:` the event as JSON (without `snapshot`; `done`
 * carries the final object). A browser EventSource that reconnects sends `Last-Event-ID`, and
 * the response it gets (from any instance) continues right after that event; the query
 * parameter `lastEventId` does the same for clients that cannot set headers. A failure is
 * sent as a `stream.error` event carrying the typed error and its partial object. A request
 * whose cursor is already past the end gets `204 No Content`, which tells EventSource to stop
 * reconnecting; clients should still close on `done` and `stream.error`. A `Last-Event-ID` that
 * is not a chunkwise id gets `400`. While no event comes, a comment line goes out every
 * `keepAliveMs` so that proxies keep the connection.
 *
 * @example
 * ```ts
 * // GET /chat/:id/events (any framework whose handlers take a Request and return a Response)
 * export const GET = (request: Request, { params }) => toSseResponse(`chat:${params.id}`, request, { redis });
 * ```
 */
// One piece: the status waits on the subscription's first event or catch-up, and the body's
// queue, keep-alive and close share that state with it.
export async function toSseResponse(key: string, request: Request, options: SseResponseOptions): Promise<Response> {
  const after = request.headers.get('last-event-id') ?? new URL(request.url, 'http://localhost').searchParams.get('lastEventId') ?? undefined;
  const controller = new AbortController();
  let firstSettled!: () => void;
  const first = new Promise<void>((resolve) => (firstSettled = resolve));
  let stream: RedisResponseStream;
  try {
    stream = subscribe(key, { ...options, ...(after ? { after } : {}), signal: controller.signal, onCaughtUp: () => firstSettled() });
  } catch (error) {
    // A Last-Event-ID that is not one of ours: the client's mistake, said in the body.
    if (error instanceof UsageError) return new Response(error.message, { status: 400, headers: { 'content-type': 'text/plain; charset=utf-8' } });
    throw error;
  }
  const wanted = options.types ? new Set<string>(options.types) : undefined;

  // Wait for the first event, the end, or the history read (the stream is live: more will come)
  // to choose the status; then everything queued streams on.
  const queue: string[] = [];
  let push: ((text: string) => void) | undefined;
  let close: (() => void) | undefined;
  let ended = false;
  let sawEvent = false;
  const emit = (text: string) => (push ? push(text) : queue.push(text));
  const finish = () => {
    ended = true;
    firstSettled();
    close?.();
  };
  const subscription = stream.events$.subscribe({
    next(event) {
      sawEvent = true;
      firstSettled();
      if (!wanted || wanted.has(event.type)) emit(frame(event));
    },
    error(error) {
      sawEvent = true;
      emit(errorFrame(error));
      finish();
    },
    complete: finish,
  });
  const onClientGone = () => {
    subscription.unsubscribe();
    controller.abort();
    firstSettled(); // nobody reads the answer now, but the handler must not wait forever
  };
  request.signal?.addEventListener('abort', onClientGone, { once: true });
  await first;

  if (!sawEvent && ended) {
    request.signal?.removeEventListener('abort', onClientGone);
    return new Response(null, { status: 204, ...(options.headers ? { headers: options.headers } : {}) });
  }
  const keepAliveMs = options.keepAliveMs ?? 15_000;
  let keepAlive: ReturnType<typeof setInterval> | undefined;
  let quiet = true;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      if (options.retryMs !== undefined) c.enqueue(encoder.encode(`retry: ${options.retryMs}\n\n`));
      for (const text of queue) c.enqueue(encoder.encode(text));
      queue.length = 0;
      push = (text) => {
        quiet = false;
        c.enqueue(encoder.encode(text));
      };
      close = () => {
        clearInterval(keepAlive);
        request.signal?.removeEventListener('abort', onClientGone);
        c.close();
      };
      if (ended) return close();
      if (keepAliveMs > 0) {
        keepAlive = setInterval(() => {
          if (quiet) c.enqueue(encoder.encode(': keep-alive\n\n'));
          quiet = true;
        }, keepAliveMs);
        (keepAlive as { unref?: () => void }).unref?.();
      }
    },
    cancel() {
      clearInterval(keepAlive);
      onClientGone();
    },
  });
  return new Response(body, {
    status: 200,
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
      ...options.headers,
    },
  });
}
