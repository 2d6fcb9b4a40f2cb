/**
 * The one small interface chunkwise needs of a Redis client, and the adapters that give it to
 * node-redis (`redis`) and `ioredis` clients. Nothing here imports either library: a client is
 * recognised by its methods, so both stay optional peers.
 */

/** Raw commands in, raw RESP2 replies out (strings, integers, null, nested arrays). */
export interface RedisCommands {
  /** Sends one command. Rejects with a {@link RedisReplyError} when Redis answered with an error. */
  send(args: readonly string[]): Promise<unknown>;
  /** A new connection to the same server, for blocking reads (`XREAD BLOCK` holds its connection). */
  duplicate(): Promise<RedisCommands>;
  /** Closes a connection made by `duplicate()` (a blocked read in flight is dropped). */
  close(): Promise<void>;
}

/** Redis answered a command with an error (`ERR …`, `WRONGTYPE …`): not a connection problem, never retried. */
export class RedisReplyError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RedisReplyError';
  }
}

/** A node-redis client (v4 and later), as far as chunkwise uses it. */
export interface NodeRedisLike {
  sendCommand(args: string[]): Promise<unknown>;
  duplicate(): NodeRedisLike;
  connect(): Promise<unknown>;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  isOpen?: boolean;
  close?(): Promise<unknown>;
  quit?(): Promise<unknown>;
  destroy?(): unknown;
  disconnect?(): Promise<unknown>;
}

/** An ioredis client, as far as chunkwise uses it. */
export interface IoRedisLike {
  call(command: string, ...args: string[]): Promise<unknown>;
  duplicate(): IoRedisLike;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  disconnect(): unknown;
}

/** What the `redis` option takes: a node-redis client, an ioredis client, or the interface itself. */
export type RedisClientLike = RedisCommands | NodeRedisLike | IoRedisLike;

const adapters = new WeakMap<object, RedisCommands>();

/**
 * The {@link RedisCommands} of a client, the same object for the same client (so that the
 * subscribers of one process share one reader per key).
 */
export function redisCommands(client: RedisClientLike): RedisCommands {
  const known = adapters.get(client);
  if (known) return known;
  let adapter: RedisCommands;
  if (isCommands(client)) adapter = client;
  // ioredis has a sendCommand too (taking its own Command objects): `call` tells it apart.
  else if (typeof (client as IoRedisLike).call === 'function') adapter = fromIoredis(client as IoRedisLike);
  else if (typeof (client as NodeRedisLike).sendCommand === 'function') adapter = fromNodeRedis(client as NodeRedisLike);
  else throw new TypeError('The redis option must be a node-redis client, an ioredis client, or an object with send/duplicate/close');
  adapters.set(client, adapter);
  return adapter;
}

function isCommands(client: RedisClientLike): client is RedisCommands {
  const c = client as Partial<RedisCommands>;
  return typeof c.send === 'function' && typeof c.duplicate === 'function' && typeof c.close === 'function';
}

/** Reply errors of node-redis are `ErrorReply` (and its subclasses); anything else is the connection's. */
function isNodeRedisReply(error: unknown): boolean {
  for (let proto = error && Object.getPrototypeOf(error); proto && proto !== Error.prototype; proto = Object.getPrototypeOf(proto)) {
    if (proto.constructor?.name === 'ErrorReply') return true;
  }
  return false;
}

export function fromNodeRedis(client: NodeRedisLike, owned = false): RedisCommands {
  return {
    async send(args) {
      try {
        return await client.sendCommand(args as string[]);
      } catch (error) {
        if (isNodeRedisReply(error)) throw new RedisReplyError((error as Error).message, { cause: error });
        throw error;
      }
    },
    async duplicate() {
      const copy = client.duplicate();
      // Its failures surface as rejected commands; an 'error' event without a listener would crash the process.
      copy.on('error', () => {});
      await copy.connect();
      return fromNodeRedis(copy, true);
    },
    async close() {
      if (!owned) return;
      if (typeof client.destroy === 'function') client.destroy();
      else await (client.disconnect ?? client.quit)?.call(client);
    },
  };
}

export function fromIoredis(client: IoRedisLike, owned = false): RedisCommands {
  return {
    async send(args) {
      try {
        return await client.call(args[0]!, ...args.slice(1));
      } catch (error) {
        if ((error as Error)?.name === 'ReplyError') throw new RedisReplyError((error as Error).message, { cause: error });
        throw error;
      }
    },
    async duplicate() {
      const copy = client.duplicate();
      copy.on('error', () => {});
      return fromIoredis(copy, true);
    },
    async close() {
      if (owned) client.disconnect();
    },
  };
}
