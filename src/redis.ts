// chunkwise/redis: resumable responses shared across processes and machines, on Redis Streams.
// Node (or any runtime with a Redis client); `redis` and `ioredis` are optional peers.

/**
 * chunkwise/redis: resumable responses shared across processes and machines, on Redis Streams.
 * @module chunkwise/redis
 */
export { publish, DEFAULT_TTL_MS, DEFAULT_MAX_LENGTH, DEFAULT_HEARTBEAT_MS, type PublishOptions, type Publication, type RedisTimings } from './redis/publish.js';
export { subscribe, type SubscribeOptions, type RedisResponseStream } from './redis/subscribe.js';
export { toSseResponse, SSE_ERROR_EVENT, type SseResponseOptions } from './redis/sse-response.js';
export type { RedisStreamEvent } from './redis/entry-reader.js';
export { redisStreams, type RedisStreams } from './redis/bound.js';
export { redisCommands, fromNodeRedis, fromIoredis, RedisReplyError, type RedisCommands, type RedisClientLike, type NodeRedisLike, type IoRedisLike } from './redis/client.js';
export { PublisherGoneError, HistoryGoneError, PublishLockedError, RedisUnavailableError, type HistoryGoneReason } from './redis/errors.js';
export { lockKey, aliveKey } from './redis/layout.js';
