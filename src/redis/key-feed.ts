import type { ChunkwiseError } from '../errors.js';
import type { RedisCommands } from './client.js';
import { HistoryGoneError, RedisUnavailableError } from './errors.js';
import { aliveKey, entriesOf, lockKey, xreadEntries, type StreamEntry, type StreamMeta } from './layout.js';
import { retrying } from './retry.js';

export interface FeedListener {
  entry(entry: StreamEntry): void;
  /** The history has been handed over: what comes next is live. */
  live(): void;
  gone(why: string): void;
  fail(error: ChunkwiseError): void;
}

export interface FeedOptions {
  reconnectMs: number;
  /** Until the meta entry says the publisher's heartbeat TTL: how long one blocking read waits (ms). */
  blockMs: number;
}

const PAGE = 1000;

/**
 * One reader per key per process, whatever the number of subscribers: the history with
 * `XRANGE`, then live entries with `XREAD BLOCK` on a connection of its own, kept in memory
 * and handed to every listener (a listener that joins late gets the kept entries first). While
 * no entry comes, it watches the publisher's heartbeat. It stops when its last listener leaves.
 */
class KeyFeed {
  private readonly entries: StreamEntry[] = [];
  private readonly listeners = new Set<FeedListener>();
  private ended = false;
  private live = false;
  private outcome: { error: ChunkwiseError } | { gone: string } | undefined;
  private blocking: RedisCommands | undefined;
  private stopped = false;

  constructor(
    private readonly redis: RedisCommands,
    private readonly key: string,
    private readonly options: FeedOptions,
    private readonly onIdle: () => void,
  ) {
    void this.run();
  }

  attach(listener: FeedListener): () => void {
    this.listeners.add(listener);
    for (let i = 0; i < this.entries.length && this.listeners.has(listener); i++) listener.entry(this.entries[i]!);
    if (this.outcome && this.listeners.has(listener)) this.tell(listener, this.outcome);
    else if (this.live && this.listeners.has(listener)) listener.live();
    return () => {
      if (!this.listeners.delete(listener) || this.listeners.size > 0) return;
      this.stop();
    };
  }

  private stop() {
    if (this.stopped) return;
    this.stopped = true;
    this.onIdle();
    void this.blocking?.close().catch(() => {});
  }

  private tell(listener: FeedListener, outcome: { error: ChunkwiseError } | { gone: string }) {
    if ('error' in outcome) listener.fail(outcome.error);
    else listener.gone(outcome.gone);
  }

  private deliver(entries: StreamEntry[]) {
    for (const entry of entries) {
      this.entries.push(entry);
      if (entry.kind === 'end') this.ended = true;
      for (const listener of [...this.listeners]) listener.entry(entry);
    }
  }

  private finish(outcome: { error: ChunkwiseError } | { gone: string }) {
    this.outcome = outcome;
    for (const listener of [...this.listeners]) this.tell(listener, outcome);
    this.stop();
  }

  private get lastId() {
    return this.entries.length > 0 ? this.entries[this.entries.length - 1]!.id : undefined;
  }

  private blockMs() {
    const meta = this.entries[0]?.kind === 'meta' ? (JSON.parse(this.entries[0].data) as StreamMeta) : undefined;
    return Math.max(10, Math.floor((meta?.heartbeatTtlMs ?? this.options.blockMs) / 2));
  }

  private async run() {
    const { redis, key } = this;
    const budget = this.options.reconnectMs;
    const stopped = () => this.stopped;
    try {
      // History first, page by page.
      for (;;) {
        const from = this.lastId === undefined ? '-' : `(${this.lastId}`;
        const page = entriesOf(await retrying('XRANGE', budget, () => redis.send(['XRANGE', key, from, '+', 'COUNT', String(PAGE)]), stopped));
        if (this.stopped) return;
        this.deliver(page);
        if (page.length < PAGE || this.ended) break;
      }
      if (this.ended) return this.stop();
      this.live = true;
      for (const listener of [...this.listeners]) listener.live();
      this.blocking = await retrying('a new connection', budget, () => redis.duplicate(), stopped);
      if (this.stopped) return void this.blocking.close().catch(() => {});
      /** Since when the stream and its heartbeat have both been missing (a Redis that restarted empty). */
      let missingSince: number | undefined;
      // A key with no entry yet is checked at once (a missing stream fails fast), then the reads wait.
      let probe = this.entries.length === 0;
      while (!this.stopped && !this.ended) {
        const block = probe ? 1 : this.blockMs();
        probe = false;
        const reply = await retrying(
          'XREAD',
          budget,
          () => this.blocking!.send(['XREAD', 'COUNT', String(PAGE), 'BLOCK', String(block), 'STREAMS', key, this.lastId ?? '0-0']),
          stopped,
          block,
        );
        if (this.stopped) return;
        const entries = xreadEntries(reply, key);
        if (entries.length > 0) {
          missingSince = undefined;
          this.deliver(entries);
          continue;
        }
        // Nothing for a while: is anyone still writing?
        const [alive, stream, lock] = (await retrying('EXISTS', budget, () =>
          Promise.all([redis.send(['EXISTS', aliveKey(key)]), redis.send(['EXISTS', key]), redis.send(['EXISTS', lockKey(key)])]),
        stopped)) as number[];
        if (this.stopped) return;
        if (Number(alive) === 1) {
          missingSince = undefined;
          continue;
        }
        // Entries may have come between the read and the check (the end marker, then the heartbeat deleted).
        const late = entriesOf(await redis.send(['XRANGE', key, this.lastId === undefined ? '-' : `(${this.lastId}`, '+']));
        if (late.length > 0) {
          this.deliver(late);
          continue;
        }
        if (Number(stream) === 1) return this.finish({ gone: `its heartbeat ${aliveKey(key)} expired` });
        if (this.entries.length === 0 && Number(lock) === 0) {
          return this.finish({ error: new HistoryGoneError(key, 'expired', `There is no stream under "${key}": it expired (TTL) or was never published`) });
        }
        // Neither the stream nor its heartbeat: Redis lost them (restarted without persistence).
        // A live publisher writes them again after its reconnect; give it two heartbeat TTLs.
        missingSince ??= Date.now();
        if (Date.now() - missingSince > 4 * this.blockMs()) {
          return this.finish({ gone: `the stream vanished from Redis and its publisher did not write it back` });
        }
      }
      if (this.ended) this.stop();
    } catch (error) {
      if (this.stopped) return;
      const typed = error instanceof HistoryGoneError || error instanceof RedisUnavailableError ? error : new RedisUnavailableError(`reading "${key}"`, 0, error);
      this.finish({ error: typed });
    }
  }
}

const feeds = new WeakMap<RedisCommands, Map<string, KeyFeed>>();

/** The feed of `key` on this client, started by its first listener. */
export function attachFeed(redis: RedisCommands, key: string, options: FeedOptions, listener: FeedListener): () => void {
  let byKey = feeds.get(redis);
  if (!byKey) feeds.set(redis, (byKey = new Map()));
  let feed = byKey.get(key);
  if (!feed) {
    const map = byKey;
    const created: KeyFeed = new KeyFeed(redis, key, options, () => {
      if (map.get(key) === created) map.delete(key);
    });
    feed = created;
    byKey.set(key, feed);
  }
  return feed.attach(listener);
}
