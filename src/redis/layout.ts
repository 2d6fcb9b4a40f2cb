/**
 * How one published response sits in Redis: the key names, the entry kinds and their ids, and
 * the cursors that subscribers resume from. Every other file asks this one.
 *
 * - `<key>`: the stream. Entry ids are `<start ms>-<n>`, n = 0, 1, 2, … with no gap, chosen by
 *   the publisher (not `*`): a write retried after a dropped connection is recognised (Redis
 *   refuses an id at or below the last), a stream lost in a Redis restart is written again with
 *   the same ids, and a subscriber sees at once when an entry is missing.
 * - `<key>:lock`: `SET NX` by the one publisher; it outlives the stream's end (same TTL), so a
 *   second publisher for the key is refused while the response can still be read.
 * - `<key>:alive`: the publisher's heartbeat, a short TTL renewed while it runs.
 */
import type { ProviderName } from '../providers/provider-spec.js';

export const lockKey = (key: string) => `${key}:lock`;
export const aliveKey = (key: string) => `${key}:alive`;

/** Entry kinds, in the field `t`; the JSON payload is in the field `d`. */
export type EntryKind = 'meta' | 'chunk' | 'final' | 'error' | 'end';

export interface StreamEntry {
  id: string;
  kind: EntryKind;
  /** JSON text ('' for `end`). */
  data: string;
}

/** The first entry: what a subscriber needs to build the same assembler as the publisher. */
export interface StreamMeta {
  version: 1;
  provider: ProviderName;
  partialArguments: boolean;
  partialContent: boolean;
  /** The heartbeat's TTL (ms): longer than this without it, a publisher is gone. */
  heartbeatTtlMs: number;
}

export interface EntryId {
  /** The publication's start (ms): tells one run of a key from a later one under the same name. */
  start: number;
  /** The entry's number: 0 for `meta`, then one more per entry. */
  n: number;
}

export const entryId = (start: number, n: number) => `${start}-${n}`;

export function parseEntryId(id: string): EntryId | undefined {
  const m = /^(\d+)-(\d+)$/.exec(id);
  return m ? { start: Number(m[1]), n: Number(m[2]) } : undefined;
}

/**
 * Where a subscriber stopped: after event `k` (0-based) of the events made from entry `n`, or
 * after all of them when `k` is undefined (a bare entry id).
 */
export interface Cursor extends EntryId {
  k: number | undefined;
}

/** An event's id: its entry's id and its place among that entry's events (`1733500000000-12:0`). */
export const cursorId = (entry: string, k: number) => `${entry}:${k}`;

export function parseCursor(text: string): Cursor | undefined {
  const m = /^(\d+)-(\d+)(?::(\d+))?$/.exec(text.trim());
  if (!m) return undefined;
  return { start: Number(m[1]), n: Number(m[2]), k: m[3] === undefined ? undefined : Number(m[3]) };
}

/** `XADD` arguments of one entry: explicit id, trimmed to `maxLength` entries (exactly: streams are short). */
export function xaddArgs(key: string, entry: StreamEntry, maxLength: number, create: boolean): string[] {
  const args = ['XADD', key];
  // NOMKSTREAM: a stream that vanished (Redis restarted empty) is not silently re-created from its middle.
  if (!create) args.push('NOMKSTREAM');
  args.push('MAXLEN', '=', String(maxLength), entry.id, 't', entry.kind);
  if (entry.kind !== 'end') args.push('d', entry.data);
  return args;
}

const KINDS = new Set<EntryKind>(['meta', 'chunk', 'final', 'error', 'end']);

/** Entries from an `XRANGE` reply (or one stream of an `XREAD` reply), RESP2 or RESP3 shaped. */
export function entriesOf(reply: unknown): StreamEntry[] {
  if (!Array.isArray(reply)) return [];
  const entries: StreamEntry[] = [];
  for (const item of reply) {
    const [id, fields] = Array.isArray(item) ? item : [(item as { id?: unknown }).id, (item as { message?: unknown }).message];
    const values = fieldMap(fields);
    const kind = values.get('t') as EntryKind | undefined;
    if (typeof id !== 'string' || kind === undefined || !KINDS.has(kind)) continue;
    entries.push({ id, kind, data: values.get('d') ?? '' });
  }
  return entries;
}

function fieldMap(fields: unknown): Map<string, string> {
  const map = new Map<string, string>();
  if (Array.isArray(fields)) {
    for (let i = 0; i + 1 < fields.length; i += 2) map.set(String(fields[i]), String(fields[i + 1]));
  } else if (fields instanceof Map) {
    for (const [k, v] of fields) map.set(String(k), String(v));
  } else if (fields && typeof fields === 'object') {
    for (const [k, v] of Object.entries(fields)) map.set(k, String(v));
  }
  return map;
}

/** The entries of `key` in an `XREAD` reply (RESP2: `[[key, entries]]`; RESP3 clients may give a map). */
export function xreadEntries(reply: unknown, key: string): StreamEntry[] {
  if (reply === null || reply === undefined) return [];
  if (Array.isArray(reply)) {
    for (const item of reply) {
      if (Array.isArray(item) && String(item[0]) === key) return entriesOf(item[1]);
      if (item && typeof item === 'object' && (item as { name?: unknown }).name === key) return entriesOf((item as { messages?: unknown }).messages);
    }
    return [];
  }
  if (reply instanceof Map) return entriesOf(reply.get(key));
  if (typeof reply === 'object') return entriesOf((reply as Record<string, unknown>)[key]);
  return [];
}
