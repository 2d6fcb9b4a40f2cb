import { Observable, Subject, type Subscription } from 'rxjs';
import { AbortError, ChunkwiseError, UsageError, withPartial } from '../errors.js';
import { derivedViews, type ResponseStream } from '../operators/stream-response.js';
import { toAsyncIterable } from '../operators/to-async-iterable.js';
import { redisCommands, type RedisClientLike } from './client.js';
import { createEntryReader, type RedisStreamEvent } from './entry-reader.js';
import { ownCopy } from './errors.js';
import { attachFeed } from './key-feed.js';
import { parseCursor } from './layout.js';
import { DEFAULT_HEARTBEAT_MS, type RedisTimings } from './publish.js';
import { DEFAULT_RECONNECT_MS } from './retry.js';

export interface SubscribeOptions extends Pick<RedisTimings, 'reconnectMs'> {
  redis: RedisClientLike;
  /** Resume: deliver exactly the events after this event id (`event.id`, an SSE `Last-Event-ID`) or entry id. */
  after?: string;
  /** Aborting stops reading; subscribers get an AbortError carrying the partial object. */
  signal?: AbortSignal;
  /** Called once the history has been delivered and the stream is live (not for a stream that had ended). */
  onCaughtUp?: () => void;
}

/** A published response read from Redis: a local {@link ResponseStream} whose events carry their ids. */
export interface RedisResponseStream<S = any, F = any> extends Omit<ResponseStream, 'events$' | 'snapshots$' | 'final' | 'snapshot' | typeof Symbol.asyncIterator> {
  readonly key: string;
  readonly snapshots$: Observable<S>;
  readonly final: Promise<F>;
  snapshot(): S | undefined;
  readonly events$: Observable<RedisStreamEvent<S>>;
  [Symbol.asyncIterator](): AsyncIterator<RedisStreamEvent<S>>;
}

/**
 * Reads the response published under `key`, on any instance: the history, then live entries,
 * through one reader per key in this process. The object behaves as `streamResponse()`'s: its
 * observables and async iterator share one reading, which starts with the first subscriber
 * (or the first read of `final`) and stops when the last one leaves before the end.
 *
 * @example
 * ```ts
 * const stream = subscribe(`chat:${id}`, { redis, after: lastEventId });
 * for await (const event of stream) if (event.type === 'content.delta') send(event.id, event.delta);
 * ```
 */
// One piece: the same shape as streamResponse(): one hub, one reading, and the observables and
// final promise that share it, over one closure.
export function subscribe<S = any, F = any>(key: string, options: SubscribeOptions): RedisResponseStream<S, F> {
  const redis = redisCommands(options.redis);
  const cursor = options.after === undefined || options.after === '' ? undefined : parseCursor(options.after);
  if (options.after && !cursor) throw new UsageError(`"${options.after}" is not a chunkwise stream id (expected <ms>-<n> or <ms>-<n>:<k>)`);
  const hub = new Subject<RedisStreamEvent<S>>();
  let latest: (() => S) | undefined;
  let outcome: { response: F } | { error: unknown } | undefined;
  let connection: (() => void) | undefined;
  let refs = 0;
  let finalPromise: Promise<F> | undefined;
  let finalWaiters: { resolve: (value: F) => void; reject: (error: unknown) => void }[] = [];

  const settle = (result: { response: F } | { error: unknown }) => {
    if (outcome && 'error' in outcome) return;
    outcome = result;
    for (const waiter of finalWaiters) 'error' in result ? waiter.reject(result.error) : waiter.resolve(result.response);
    finalWaiters = [];
  };

  const reader = createEntryReader<S>(key, cursor, options.after, {
    event(event) {
      if (event.type === 'chunk' || event.type === 'done') latest = event.snapshot;
      hub.next(event);
    },
    final(response) {
      settle({ response: response as F });
    },
    error(error) {
      settle({ error });
      hub.error(error);
    },
    complete() {
      hub.complete();
    },
  });

  const stop = () => {
    options.signal?.removeEventListener('abort', onAbort);
    connection?.();
    connection = undefined;
  };
  const onAbort = () => {
    reader.fail(withPartial(new AbortError('The subscription was aborted by its AbortSignal', { cause: options.signal?.reason }), reader.snapshot()));
    stop();
  };

  const connect = () => {
    if (connection || reader.settled) return;
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    connection = attachFeed(
      redis,
      key,
      { reconnectMs: options.reconnectMs ?? DEFAULT_RECONNECT_MS, blockMs: DEFAULT_HEARTBEAT_MS * 3 },
      {
        entry: (entry) => reader.entry(entry),
        live: () => options.onCaughtUp?.(),
        gone: (why) => reader.gone(why),
        fail: (error: ChunkwiseError) => reader.fail(withPartial(ownCopy(error), reader.snapshot())),
      },
    );
    if (reader.settled) stop();
  };

  hub.subscribe({ error: () => stop(), complete: () => stop() });

  const events$ = new Observable<RedisStreamEvent<S>>((subscriber) => {
    refs++;
    const inner: Subscription = hub.subscribe(subscriber);
    connect();
    return () => {
      inner.unsubscribe();
      if (--refs === 0 && !reader.settled && !finalPromise) {
        reader.fail(withPartial(new AbortError('Every subscriber left'), reader.snapshot()));
        stop();
      }
    };
  });

  return {
    key,
    events$,
    ...derivedViews(events$, () => latest),
    get final() {
      finalPromise ??= new Promise<F>((resolve, reject) => {
        if (outcome) return 'error' in outcome ? reject(outcome.error) : resolve(outcome.response);
        finalWaiters.push({ resolve, reject });
        connect();
      });
      return finalPromise;
    },
    snapshot: () => latest?.(),
    abort: (reason?: unknown) => {
      reader.fail(withPartial(new AbortError(undefined, { cause: reason }), reader.snapshot()));
      stop();
    },
    [Symbol.asyncIterator]: () => toAsyncIterable(events$)[Symbol.asyncIterator](),
  };
}
