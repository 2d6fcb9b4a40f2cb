import { jsonText } from '../assembly/json-text.js';
import * as core from '../errors.js';
import { ChunkwiseError, NetworkError, TruncatedStreamError, UsageError } from '../errors.js';

/** The publisher stopped (killed, crashed, lost Redis for good) before the end marker; `partial` holds what had arrived. */
export class PublisherGoneError extends TruncatedStreamError {
  readonly key: string;
  /** The last entry the subscriber read. */
  readonly lastEntryId: string | undefined;
  constructor(key: string, lastEntryId: string | undefined, why: string, options: { partial?: unknown } = {}) {
    super(`The publisher of "${key}" is gone before the end of the stream (${why})`, options);
    this.key = key;
    this.lastEntryId = lastEntryId;
  }
}

/** Why a stream's history cannot be read: the key expired (or never existed), or the entries asked for were trimmed. */
export type HistoryGoneReason = 'expired' | 'trimmed';

/** The history a subscriber asked for is no longer in Redis. */
export class HistoryGoneError extends ChunkwiseError {
  readonly key: string;
  readonly reason: HistoryGoneReason;
  /** The `after` cursor the subscriber asked for, if any. */
  readonly after: string | undefined;
  constructor(key: string, reason: HistoryGoneReason, message: string, after?: string) {
    super('limit', message);
    this.key = key;
    this.reason = reason;
    this.after = after;
  }
}

/** Another publisher holds the key: subscribe to it instead. */
export class PublishLockedError extends UsageError {
  readonly key: string;
  constructor(key: string) {
    super(`Another publisher already holds "${key}" (its lock is set); subscribe(key) to read its stream instead`);
    this.key = key;
  }
}

/** Redis could not be reached for longer than the reconnect budget. */
export class RedisUnavailableError extends NetworkError {
  constructor(what: string, waitedMs: number, cause: unknown) {
    super(`Redis did not answer ${what} for ${waitedMs} ms: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** The publisher's failure, as JSON for the stream's `error` entry. */
export function serializeError(error: ChunkwiseError): string {
  const fields: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(error)) if (name !== 'cause') fields[name] = value;
  // `partial` may nest as deep as the depth limit lets it: written without recursion.
  return jsonText({ name: error.name, message: error.message, fields });
}

const CLASSES: Record<string, unknown> = { ...core, PublisherGoneError, HistoryGoneError, PublishLockedError, RedisUnavailableError };

/**
 * The publisher's failure rebuilt on the subscriber: an instance of the same chunkwise class
 * (ProviderError, HttpError, …) with the same fields, so that `instanceof` and `code` work as
 * they would on the publishing instance.
 */
export function reviveError(json: string): ChunkwiseError {
  const { name, message, fields } = JSON.parse(json) as { name: string; message: string; fields: Record<string, unknown> };
  const Class = CLASSES[name];
  const proto = typeof Class === 'function' && Class.prototype instanceof ChunkwiseError ? Class.prototype : ChunkwiseError.prototype;
  const error = Object.create(proto) as ChunkwiseError;
  Object.defineProperty(error, 'message', { value: message, writable: true, configurable: true });
  Object.defineProperty(error, 'stack', { value: `${name}: ${message}\n    (raised by the publisher)`, writable: true, configurable: true });
  Object.assign(error, fields);
  if (error.name !== name) Object.defineProperty(error, 'name', { value: name, writable: true, configurable: true });
  return error;
}

/** A copy of a failure shared by every subscriber of a reader, so that each gets its own `partial`. */
export function ownCopy<E extends Error>(error: E): E {
  const copy = Object.create(Object.getPrototypeOf(error)) as E;
  for (const name of Object.getOwnPropertyNames(error)) Object.defineProperty(copy, name, Object.getOwnPropertyDescriptor(error, name)!);
  return copy;
}
