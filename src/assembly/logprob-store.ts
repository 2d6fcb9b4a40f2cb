/**
 * A compact, append-only list of logprob tokens (`{ token, logprob, bytes, top_logprobs }`,
 * the shape OpenAI, Groq and Ollama share).
 *
 * Why: kept as parsed, a token with 5 alternatives is 7 objects, 6 `bytes` arrays and 6 boxed
 * numbers, around a kilobyte of heap; a long stream holds hundreds of thousands of them, and
 * promoting them all out of the young generation dominates the run time. Here a token costs its strings (short
 * ones are interned by JSON.parse, so mostly shared), one float64 and one byte a slot: an order of
 * magnitude less (`bytes` is not stored when it is the token's UTF-8, as it is
 * for every token that holds whole characters; the sampled token is stored once when it is also
 * the first alternative, as it usually is). The plain objects are built only when someone
 * reads the list, and their `bytes` arrays are shared between equal tokens (frozen, so that
 * sharing cannot leak a mutation), which halves the materialised list too.
 *
 * Nothing is lost: a token of any other shape (missing or extra fields, other types, `bytes`
 * that are not its string's UTF-8, as for a token that is part of a character) is kept as it
 * came and handed back as it came.
 * Key order of a rebuilt token is the documented one: token, logprob, bytes, top_logprobs.
 */

import { countKeys } from './count-keys.js';
import type { TokenLogprob } from './events.js';
import { defineLazyProperty } from './lazy-prefix.js';

export interface LogprobStore<T = TokenLogprob> {
  readonly length: number;
  push(entry: T): void;
  /** The first `length` entries as plain objects: a fresh array, of fresh token objects until the store is sealed. */
  toArray(length?: number): T[];
  /**
   * For the final object, once nothing more is pushed: every entry as plain objects, built while
   * the compact storage is let go of (each block can be collected as soon as it has been read).
   * The first call returns the list itself; later `toArray` / `seal` calls return copies of it
   * (fresh arrays, the same token objects). Pushing after it throws.
   */
  seal(): T[];
}

/** `count` values past the alternatives count: no `top_logprobs` field / kept as it came. */
const NO_TOP = 255;
const KEPT = 254;
/** Set in `count`: the first alternative is the token itself (same string, logprob and bytes), not stored twice. */
const FIRST_IS_TOKEN = 0x80;
const MAX_TOP = 125;
/** Slot flags: `bytes` is the UTF-8 of the token string / `bytes` is null. */
const BYTES_UTF8 = 0;
const BYTES_NULL = 1;

export function createLogprobStore<T = TokenLogprob>(): LogprobStore<T> {
  return new CompactLogprobs<T>();
}

/**
 * Puts `store`'s list on `target[key]` as a property built on first read: the tokens so far for
 * a snapshot (O(1) now, whatever the length), the sealed list for the final object (`final`).
 */
export function defineLogprobList(target: object, key: string, store: LogprobStore<unknown>, final: boolean): void {
  const length = store.length;
  defineLazyProperty(target, key, final ? () => store.seal() : () => store.toArray(length));
}

/** Slots per block: blocks never move (no copy on growth) and waste at most one block. */
const BLOCK_BITS = 12;
const BLOCK = 1 << BLOCK_BITS;
const IN_BLOCK = BLOCK - 1;

// A class, not closures: one shape and one optimised `push` for every stream's store.
class CompactLogprobs<T> implements LogprobStore<T> {
  length = 0;
  /** Per slot (a token, then its alternatives), in blocks: the token string, logprob and bytes flag. */
  private strings: string[][] = [];
  private logprobs: Float64Array[] = [];
  private flags: Uint8Array[] = [];
  private slots = 0;
  /** Per entry: its number of alternatives (with FIRST_IS_TOKEN), or NO_TOP / KEPT. */
  private counts: Uint8Array = new Uint8Array(64);
  /** Entries kept as they came, by position. */
  private kept: Map<number, T> | undefined;

  push(entry: T): void {
    if (this.sealed !== undefined) throw new Error('A sealed LogprobStore takes no more entries');
    const e = entry as Record<string, unknown>;
    const top = typeof e === 'object' && e !== null ? e.top_logprobs : undefined;
    const alternatives = Array.isArray(top) ? top.length : 0;
    if (this.length === this.counts.length) this.counts = grow(this.counts, this.length + 1);
    const first = this.slots;
    const needed = first + 1 + alternatives;
    while (needed > this.logprobs.length << BLOCK_BITS) {
      this.strings.push(new Array<string>(BLOCK));
      this.logprobs.push(new Float64Array(BLOCK));
      this.flags.push(new Uint8Array(BLOCK));
    }
    let ok = (top === undefined || (Array.isArray(top) && alternatives <= MAX_TOP)) && this.writeSlot(first, e, top === undefined ? 3 : 4);
    // The sampled token is usually also the first alternative: then it is stored once.
    const duplicate = ok && alternatives > 0 && sameAsToken((top as unknown[])[0], e);
    const from = duplicate ? 1 : 0;
    for (let i = from; ok && i < alternatives; i++) ok = this.writeSlot(first + 1 + i - from, (top as unknown[])[i], 3);
    if (ok) {
      this.counts[this.length] = top === undefined ? NO_TOP : duplicate ? alternatives | FIRST_IS_TOKEN : alternatives;
      this.slots = needed - from;
    } else {
      (this.kept ??= new Map()).set(this.length, entry);
      this.counts[this.length] = KEPT;
    }
    this.length++;
  }

  toArray(upTo = this.length): T[] {
    if (this.sealed !== undefined) return upTo === this.sealed.length ? this.sealed.slice() : this.sealed.slice(0, upTo);
    return this.build(upTo, false);
  }

  seal(): T[] {
    if (this.sealed !== undefined) return this.sealed.slice();
    this.sealed = this.build(this.length, true);
    return this.sealed;
  }

  private sealed: T[] | undefined;

  /** The first `upTo` entries; `release`: drop each block once it has been read. */
  private build(upTo: number, release: boolean): T[] {
    const out = new Array<T>(upTo);
    const { strings, logprobs, flags } = this;
    // Equal tokens share one frozen bytes array (half the heap of a list of fresh ones).
    const bytesOf = new Map<string, number[]>();
    const bytesFor = (token: string, flag: number): number[] | null => {
      if (flag === BYTES_NULL) return null;
      let bytes = bytesOf.get(token);
      if (bytes === undefined) bytesOf.set(token, (bytes = Object.freeze(Array.from(encoder.encode(token))) as number[]));
      return bytes;
    };
    // The slot cursor. Every object built below is kept: V8 allocates the objects of a literal
    // straight into the old generation once nearly all of them survive (allocation-site
    // pretenuring), which spares copying the whole list out of the young generation. A
    // throwaway object from the same literal (one per token, as a token read into an object and
    // then copied) keeps the literal's survival rate below V8's threshold, so none is pretenured.
    let block = -1;
    let inBlock = BLOCK;
    let blockStrings: string[] = [];
    let blockLogprobs: Float64Array = new Float64Array(0);
    let blockFlags: Uint8Array = new Uint8Array(0);
    const next = (): number => {
      if (inBlock === BLOCK) {
        if (release && block >= 0) strings[block] = logprobs[block] = flags[block] = undefined!;
        block++;
        inBlock = 0;
        blockStrings = strings[block]!;
        blockLogprobs = logprobs[block]!;
        blockFlags = flags[block]!;
      }
      return inBlock++;
    };
    for (let i = 0; i < upTo; i++) {
      const count = this.counts[i]!;
      if (count === KEPT) {
        out[i] = this.kept!.get(i)!;
        continue;
      }
      let at = next();
      const token = blockStrings[at]!;
      const logprob = blockLogprobs[at]!;
      const bytes = bytesFor(token, blockFlags[at]!);
      if (count === NO_TOP) {
        out[i] = { token, logprob, bytes } as T;
        continue;
      }
      const n = count & ~FIRST_IS_TOKEN;
      const alternatives = new Array<TopLogprob>(n);
      let j = 0;
      if (count & FIRST_IS_TOKEN) alternatives[j++] = alternative(token, logprob, bytes);
      for (; j < n; j++) {
        at = next();
        const other = blockStrings[at]!;
        alternatives[j] = alternative(other, blockLogprobs[at]!, bytesFor(other, blockFlags[at]!));
      }
      // One literal with all four fields: adding top_logprobs to a three-field token would cost
      // every token a separate property store and a larger object (a map transition).
      out[i] = { token, logprob, bytes, top_logprobs: alternatives } as T;
    }
    if (release) {
      this.strings = [];
      this.logprobs = [];
      this.flags = [];
      this.kept = undefined;
    }
    return out;
  }

  /** Writes one `{token, logprob, bytes}` part at slot `at`; false when it has another shape. */
  private writeSlot(at: number, part: unknown, keys: number): boolean {
    if (typeof part !== 'object' || part === null) return false;
    const p = part as Record<string, unknown>;
    const token = p.token;
    const logprob = p.logprob;
    if (typeof token !== 'string' || typeof logprob !== 'number' || countKeys(p) !== keys) return false;
    const bytes = p.bytes;
    let flag: number;
    if (bytes === null) flag = BYTES_NULL;
    else if (Array.isArray(bytes) && isUtf8Of(token, bytes)) flag = BYTES_UTF8;
    else return false;
    const block = at >> BLOCK_BITS;
    const i = at & IN_BLOCK;
    this.strings[block]![i] = token;
    this.logprobs[block]![i] = logprob;
    this.flags[block]![i] = flag;
    return true;
  }
}

const encoder = new TextEncoder();

interface TopLogprob {
  token: string;
  logprob: number;
  bytes: number[] | null;
}

/** One alternative: the only literal of its shape here, so that every object it makes is kept (see build). */
function alternative(token: string, logprob: number, bytes: number[] | null): TopLogprob {
  return { token, logprob, bytes };
}

/**
 * Whether `bytes` is exactly the UTF-8 encoding of `s` (as TextEncoder writes it: a lone
 * surrogate as U+FFFD), without encoding. A token that is part of a character (its string
 * then differs from its bytes) fails here and is kept as it came.
 */
export function isUtf8Of(s: string, bytes: readonly unknown[]): boolean {
  const n = bytes.length;
  let j = 0;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      if (j >= n || bytes[j] !== c) return false;
      j++;
      continue;
    }
    if (c < 0x800) {
      if (j + 1 >= n || bytes[j] !== (0xc0 | (c >> 6)) || bytes[j + 1] !== (0x80 | (c & 63))) return false;
      j += 2;
      continue;
    }
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
        if (j + 3 >= n || bytes[j] !== (0xf0 | (c >> 18)) || bytes[j + 1] !== (0x80 | ((c >> 12) & 63)) || bytes[j + 2] !== (0x80 | ((c >> 6) & 63)) || bytes[j + 3] !== (0x80 | (c & 63))) {
          return false;
        }
        j += 4;
        continue;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
    if (j + 2 >= n || bytes[j] !== (0xe0 | (c >> 12)) || bytes[j + 1] !== (0x80 | ((c >> 6) & 63)) || bytes[j + 2] !== (0x80 | (c & 63))) return false;
    j += 3;
  }
  return j === n;
}

/**
 * Whether alternative `part` is the (already checked) sampled token `token` again: the same
 * three fields, the same string, logprob (`Object.is`: -0 is not 0) and bytes.
 */
function sameAsToken(part: unknown, token: Record<string, unknown>): boolean {
  if (typeof part !== 'object' || part === null) return false;
  const p = part as Record<string, unknown>;
  if (p.token !== token.token || !Object.is(p.logprob, token.logprob) || countKeys(p) !== 3) return false;
  const a = p.bytes;
  const b = token.bytes as number[] | null;
  if (a === null || b === null) return a === b;
  if (!Array.isArray(a) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function grow(array: Uint8Array, needed: number): Uint8Array {
  const next = new Uint8Array(Math.max(needed, array.length * 2));
  next.set(array);
  return next;
}
