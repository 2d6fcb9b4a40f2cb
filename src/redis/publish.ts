import { jsonText } from '../assembly/json-text.js';
import type { Subscription } from 'rxjs';
import { ChunkwiseError, withPartial } from '../errors.js';
import type { StreamOptions } from '../operators/run-pipeline.js';
import { createPipeline } from '../pipeline/pipeline.js';
import { fromSource, type ByteSource } from '../sources/from-source.js';
import { idleTimeout } from '../sources/idle-timeout.js';
import { RedisReplyError, redisCommands, type RedisClientLike, type RedisCommands } from './client.js';
import { PublishLockedError, serializeError } from './errors.js';
import { aliveKey, entryId, lockKey, xaddArgs, type StreamEntry, type StreamMeta } from './layout.js';
import { DEFAULT_RECONNECT_MS, retrying } from './retry.js';

export interface RedisTimings {
  /** How often the publisher renews its heartbeat (ms). Default 1000. */
  heartbeatMs?: number;
  /** The heartbeat's TTL: a publisher silent this long is gone (ms). Default 3 × heartbeatMs. */
  heartbeatTtlMs?: number;
  /** How long to keep retrying while Redis is unreachable before failing typed (ms). Default 10 000. */
  reconnectMs?: number;
}

export interface PublishOptions extends Omit<StreamOptions, 'scheduler'>, RedisTimings {
  /** A node-redis or ioredis client (connected), or the {@link RedisCommands} interface. */
  redis: RedisClientLike;
  /** The stream's key. `<key>:lock` and `<key>:alive` are used beside it. */
  key: string;
  /** Everything expires this long after the last write (ms). Default one hour. */
  ttlMs?: number;
  /** The stream keeps at most this many entries (`XADD … MAXLEN =`). Default 100 000. */
  maxLength?: number;
}

export interface Publication {
  readonly key: string;
  /**
   * Settles when the final object or the typed error, then the end marker, are in Redis:
   * resolves with the final object, rejects with the stream's error (already handled: no
   * unhandled rejection when nobody awaits it).
   */
  readonly done: Promise<unknown>;
  /** Stops reading the upstream; subscribers get an AbortError carrying the partial object. */
  abort(reason?: unknown): void;
}

export const DEFAULT_TTL_MS = 3_600_000;
export const DEFAULT_MAX_LENGTH = 100_000;
export const DEFAULT_HEARTBEAT_MS = 1000;

/** "The ID specified in XADD is equal or smaller than the target stream top item": written before. */
const isAlreadyWritten = (error: unknown) => error instanceof RedisReplyError && /equal or smaller/i.test(error.message);

/**
 * Consumes one live response once and appends what chunkwise decoded to a Redis Stream under
 * `key`: a `meta` entry, every chunk, then the final object or the typed error, then `end`.
 * Resolves once this publisher holds the key (rejects with a PublishLockedError when another
 * one does); the stream goes on in the background, see {@link Publication.done}.
 *
 * @example
 * ```ts
 * const publication = await publish(fetch(url, init), { redis, key: `chat:${id}`, ttlMs: 600_000 });
 * ```
 */
// One piece: the publisher's state (entries written and pending, the drain, the heartbeat, the
// pipeline's sink) is shared by every step, and their order (lock, heartbeat, pipeline, end) is the protocol.
export async function publish(source: ByteSource, options: PublishOptions): Promise<Publication> {
  const redis = redisCommands(options.redis);
  const { key } = options;
  const ttl = String(options.ttlMs ?? DEFAULT_TTL_MS);
  const maxLength = options.maxLength ?? DEFAULT_MAX_LENGTH;
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  const heartbeatTtl = String(options.heartbeatTtlMs ?? heartbeatMs * 3);
  const reconnectMs = options.reconnectMs ?? DEFAULT_RECONNECT_MS;
  const token = `${Date.now().toString(36)}.${Math.random().toString(36).slice(2)}`;

  const locked = await retrying('SET NX (lock)', reconnectMs, () => redis.send(['SET', lockKey(key), token, 'NX', 'PX', ttl]));
  if (locked === null) throw new PublishLockedError(key);
  await retrying('SET (heartbeat)', reconnectMs, () => redis.send(['SET', aliveKey(key), token, 'PX', heartbeatTtl]));

  const start = Date.now();
  /** Everything written so far (at most maxLength), to write again when Redis comes back empty. */
  const written: StreamEntry[] = [];
  const pending: StreamEntry[] = [];
  let next = 0;
  let writing: Promise<void> | undefined;
  let failure: unknown;
  let finished = false;

  const controller = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;

  const renew = () => [
    redis.send(['SET', aliveKey(key), token, 'PX', heartbeatTtl]),
    redis.send(['PEXPIRE', key, ttl]),
    redis.send(['PEXPIRE', lockKey(key), ttl]),
  ];
  const heartbeat = setInterval(() => {
    if (!writing) Promise.all(renew()).catch(() => {}); // a write in flight renews too; failures are the writer's to handle
  }, heartbeatMs);
  (heartbeat as { unref?: () => void }).unref?.();

  /** Writes `entries` in one round trip; true when the stream had vanished (Redis lost it). */
  const write = async (entries: readonly StreamEntry[]): Promise<boolean> => {
    let vanished = false;
    const doubtful: string[] = [];
    await Promise.all([
      ...entries.map((entry) =>
        redis.send(xaddArgs(key, entry, maxLength, entry.id === entryId(start, 0))).then(
          (reply) => {
            if (reply === null) vanished = true;
          },
          (error) => {
            if (!isAlreadyWritten(error)) throw error;
            doubtful.push(entry.id);
          },
        ),
      ),
      ...renew(),
    ]);
    // An id Redis says it has seen: make sure this very entry is there (not only a later one).
    for (const id of doubtful) {
      const found = await redis.send(['XRANGE', key, id, id]);
      if (!Array.isArray(found) || found.length === 0) vanished = true;
    }
    return vanished;
  };

  /** Redis came back without the stream: take the lock again and write everything once more, `batch` too. */
  const restore = async (batch: readonly StreamEntry[]) => {
    const owner = await redis.send(['SET', lockKey(key), token, 'NX', 'PX', ttl, 'GET']);
    if (owner !== null && owner !== token) throw new PublishLockedError(key);
    await write([...written, ...batch]);
  };

  const drain = async () => {
    while (pending.length > 0) {
      const batch = pending.splice(0);
      await retrying('XADD', reconnectMs, async () => {
        if (await write(batch)) await restore(batch);
      });
      for (const entry of batch) written.push(entry);
      if (written.length > maxLength) written.splice(0, written.length - maxLength);
    }
  };

  /** One drain at a time; entries appended while its last round trip settled start the next one. */
  const kick = () => {
    if (writing || failure !== undefined) return;
    writing = drain().then(
      () => {
        writing = undefined;
        if (pending.length > 0) kick();
      },
      (error) => {
        writing = undefined;
        failure = error;
        controller.abort(error);
      },
    );
  };

  const append = (kind: StreamEntry['kind'], data: string) => {
    if (failure !== undefined) return;
    pending.push({ id: entryId(start, next++), kind, data });
    kick();
  };

  let provider: StreamMeta['provider'] | undefined = options.provider;
  const ensureMeta = () => {
    if (next > 0) return;
    const meta: StreamMeta = {
      version: 1,
      provider: pipeline.provider ?? provider ?? 'openai',
      partialArguments: options.partialArguments ?? true,
      partialContent: options.partialContent ?? false,
      heartbeatTtlMs: Number(heartbeatTtl),
    };
    provider = meta.provider;
    append('meta', JSON.stringify(meta));
  };

  let settle!: { resolve: (value: unknown) => void; reject: (error: unknown) => void };
  const done = new Promise<unknown>((resolve, reject) => (settle = { resolve, reject }));
  done.catch(() => {});

  /** The last entries are in (or Redis is lost): stop the heartbeat, settle. */
  const close = async (outcome: { response: unknown } | { error: unknown }) => {
    finished = true;
    while (writing) await writing;
    clearInterval(heartbeat);
    if (failure !== undefined) {
      settle.reject(failure);
      return;
    }
    await redis.send(['DEL', aliveKey(key)]).catch(() => {});
    if ('response' in outcome) settle.resolve(outcome.response);
    else settle.reject(outcome.error);
  };

  const pipeline = createPipeline(options, {
    event(event) {
      if (event.type !== 'chunk') return;
      ensureMeta();
      // Chunks and responses nest as deep as the depth limit lets them: written without recursion.
      append('chunk', jsonText(event.chunk));
    },
    final(response) {
      ensureMeta();
      append('final', jsonText(response));
      append('end', '');
      subscription?.unsubscribe();
      void close({ response });
    },
    error(error: ChunkwiseError) {
      if (finished) return;
      ensureMeta();
      const typed = withPartial(failure ?? error, pipeline.snapshot());
      append('error', serializeError(typed));
      append('end', '');
      subscription?.unsubscribe();
      void close({ error: typed });
    },
  });

  let bytes = fromSource(source, {
    signal,
    ...(options.maxTotalBytes !== undefined ? { maxTotalBytes: options.maxTotalBytes } : {}),
    expect: options.provider === undefined ? 'any' : options.provider === 'ollama' ? 'ndjson' : 'sse',
    onResponse: (response) => pipeline.contentType(response.headers.get('content-type')),
  });
  if (options.idleTimeoutMs !== undefined) bytes = bytes.pipe(idleTimeout<Uint8Array>(options.idleTimeoutMs));
  let subscription: Subscription | undefined;
  subscription = bytes.subscribe({
    next: (piece) => pipeline.feed(piece),
    error: (error) => pipeline.fail(error),
    complete: () => pipeline.end(),
  });
  if (finished) subscription.unsubscribe();

  return { key, done, abort: (reason?: unknown) => controller.abort(reason) };
}
