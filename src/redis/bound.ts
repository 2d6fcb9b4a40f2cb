import type { ByteSource } from '../sources/from-source.js';
import type { RedisClientLike } from './client.js';
import { publish, type Publication, type PublishOptions } from './publish.js';
import { toSseResponse, type SseResponseOptions } from './sse-response.js';
import { subscribe, type RedisResponseStream, type SubscribeOptions } from './subscribe.js';

/** The three calls with one client (and defaults) bound, so that a handler reads `toSseResponse(key, request)`. */
export interface RedisStreams {
  publish(source: ByteSource, options: Omit<PublishOptions, 'redis'> & { redis?: RedisClientLike }): Promise<Publication>;
  subscribe<S = any, F = any>(key: string, options?: Omit<SubscribeOptions, 'redis'> & { redis?: RedisClientLike }): RedisResponseStream<S, F>;
  toSseResponse(key: string, request: Request, options?: Omit<SseResponseOptions, 'redis'> & { redis?: RedisClientLike }): Promise<Response>;
}

/**
 * Binds a client (and any defaults: TTL, heartbeat, reconnect budget, SSE options) once.
 *
 * @example
 * ```ts
 * const streams = redisStreams({ redis, ttlMs: 600_000 });
 * await streams.publish(fetch(url, init), { key: `chat:${id}` });
 * export const GET = (request: Request) => streams.toSseResponse(`chat:${idOf(request)}`, request);
 * ```
 */
export function redisStreams(defaults: { redis: RedisClientLike } & Partial<Omit<PublishOptions, 'redis' | 'key'>> & Omit<SseResponseOptions, 'redis'>): RedisStreams {
  const { types, retryMs, headers, keepAliveMs, ...rest } = defaults;
  const sse = { types, retryMs, headers, keepAliveMs };
  const clean = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
  return {
    publish: (source, options) => publish(source, { ...rest, ...options } as PublishOptions),
    subscribe: (key, options = {}) => subscribe(key, { redis: defaults.redis, reconnectMs: defaults.reconnectMs, ...options } as SubscribeOptions),
    toSseResponse: (key, request, options = {}) => toSseResponse(key, request, { redis: defaults.redis, reconnectMs: defaults.reconnectMs, ...clean(sse), ...options } as SseResponseOptions),
  };
}
