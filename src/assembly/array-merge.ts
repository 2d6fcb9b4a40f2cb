/**
 * Merge rule 1 ("arrays in a delta accumulate, never replace"), for any provider: a delta field
 * whose value is an array, and that has no dedicated rule, adds its entries to what came before.
 *
 * - An entry without a numeric `index` (an `annotations` citation, a `token_ids` number, an
 *   image) is appended as it came.
 * - Entries that carry the same `index` are one entry, merged field by field ({@link mergeEntry}):
 *   label fields are set once, text fields concatenated, other fields take the later non-null
 *   value. Indexed entries are listed in index order among themselves; entries without an index
 *   keep their arrival position.
 * - Some servers resend the whole entry in every chunk instead of a fragment. A fragment whose
 *   text fields all repeat or extend exactly the text already held (and holds some text) replaces
 *   the entry instead of doubling it. The one ambiguity: a true fragment that happens to start
 *   with all the text so far (held `"ha"`, fragment `"ha!"`) is taken as a resend.
 * - An empty array adds nothing (the field still appears, as `[]`, as the server sent it).
 *
 * Linear: one Map lookup an indexed entry; the index order is put in place when a snapshot is
 * taken, and only when entries came out of order.
 */
import { definePrefixProperty } from './lazy-prefix.js';
import { replacesHeld, setOwnField } from './own-field.js';

/** Fields that name or classify an entry: the first non-empty value stays, never concatenated. */
const LABEL_FIELDS: ReadonlySet<string> = new Set(['type', 'id', 'index', 'name', 'format', 'role', 'status', 'call_id', 'tool_call_id', 'object', 'mime_type', 'media_type', 'encoding', 'language']);

/** Fields whose string values are text streamed in fragments: concatenated. */
const TEXT_FIELDS: ReadonlySet<string> = new Set(['text', 'summary', 'signature', 'data', 'arguments', 'input', 'output', 'content', 'thinking', 'transcript', 'refusal', 'reasoning', 'reasoning_content', 'partial_json']);

/** Whether `key` is a label field (set once): the listed names and any `…_id`. */
export function isLabelField(key: string): boolean {
  return LABEL_FIELDS.has(key) || key.endsWith('_id');
}

/** Whether a string under `key` is streamed text (concatenated). */
export function isTextField(key: string): boolean {
  return TEXT_FIELDS.has(key);
}

/**
 * Whether `fragment` is the whole entry sent again rather than a piece of it: every text field
 * it shares with `held` repeats or extends the held text, and `held` has some text.
 */
export function isWholeResend(held: Record<string, unknown>, fragment: Record<string, unknown>): boolean {
  let holdsText = false;
  for (const key in fragment) {
    const value = fragment[key];
    if (typeof value !== 'string' || !isTextField(key)) continue;
    const before = Object.hasOwn(held, key) ? held[key] : undefined;
    if (typeof before !== 'string' || before === '') continue;
    holdsText = true;
    if (!value.startsWith(before)) return false;
  }
  return holdsText;
}

/**
 * `held` with `fragment` merged in, as a new object (snapshots may share `held`). Label fields:
 * the first non-empty value; text fields: concatenated (replaced when `resend`); `null` is "not
 * sent"; any other value replaces what was held. Key order: first arrival.
 */
export function mergeEntry(held: Record<string, unknown>, fragment: Record<string, unknown>, resend = isWholeResend(held, fragment)): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in held) setOwnField(out, key, held[key]);
  for (const key in fragment) {
    const value = fragment[key];
    if (value === undefined || value === null) continue;
    const before = Object.hasOwn(out, key) ? out[key] : undefined;
    if (isLabelField(key)) {
      if (before === undefined || before === null || before === '') setOwnField(out, key, value);
    } else if (!resend && typeof value === 'string' && typeof before === 'string' && isTextField(key)) {
      setOwnField(out, key, before + value);
    } else {
      setOwnField(out, key, value);
    }
  }
  return out;
}

/** A copy of a first fragment (key order kept; a `null` field stays until a value comes, as the non-streamed entry has it). */
export function firstEntry(fragment: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in fragment) setOwnField(out, key, fragment[key]);
  return out;
}

function indexOf(entry: unknown): number | undefined {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return undefined;
  const index = (entry as Record<string, unknown>).index;
  return typeof index === 'number' && Number.isInteger(index) && index >= 0 ? index : undefined;
}

/** The accumulated value of one array field. */
export class ArrayMerge {
  /** Entries in arrival order (an indexed entry at the position where its index first came). */
  private entries: unknown[] = [];
  /** Position in `entries` of each index. */
  private byIndex: Map<number, number> | undefined;
  private lastIndex = -1;
  /** Some indexed entry came after one with a larger index. */
  private outOfOrder = false;
  /** Some entry was merged into (so `entries` is not append-only any more). */
  private rewritten = false;
  private cached: unknown[] | undefined;

  /** Adds one delta's array. */
  add(values: readonly unknown[]): void {
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      const index = indexOf(value);
      if (index === undefined) {
        this.entries.push(value);
        this.cached = undefined;
        continue;
      }
      const fragment = value as Record<string, unknown>;
      const byIndex = (this.byIndex ??= new Map());
      const at = byIndex.get(index);
      if (at === undefined) {
        byIndex.set(index, this.entries.length);
        this.entries.push(firstEntry(fragment));
        if (index < this.lastIndex) this.outOfOrder = true;
        else this.lastIndex = index;
      } else {
        // Snapshots taken so far may hold a prefix of `entries`: the first merge works on a copy.
        if (!this.rewritten) this.entries = this.entries.slice();
        this.entries[at] = mergeEntry(this.entries[at] as Record<string, unknown>, fragment);
        this.rewritten = true;
      }
      this.cached = undefined;
    }
  }

  /** The entries in their final order: a fresh array (or one shared by snapshots taken since the last change). */
  toArray(): unknown[] {
    if (this.cached !== undefined) return this.cached;
    const list = this.entries.slice();
    if (this.outOfOrder && this.byIndex !== undefined) {
      // Indexed entries in index order, in the positions indexed entries hold.
      const indexes = [...this.byIndex.keys()].sort((a, b) => a - b);
      const positions = [...this.byIndex.values()].sort((a, b) => a - b);
      for (let i = 0; i < indexes.length; i++) list[positions[i]!] = this.entries[this.byIndex.get(indexes[i]!)!];
    }
    return (this.cached = list);
  }

  /**
   * Puts the entries on `target[key]`: while the list has only been appended to, a prefix of the
   * shared list built on first read (O(1) now); after merges, the list as it is now.
   */
  defineOn(target: Record<string, unknown>, key: string): void {
    if (!this.rewritten && !this.outOfOrder) definePrefixProperty(target, key, this.entries, this.entries.length);
    else setOwnField(target, key, this.toArray());
  }
}

/**
 * {@link keepUnknownFields} for objects whose unknown array fields accumulate (rule 1: deltas and
 * choices): an array value is added to the field's {@link ArrayMerge}; any other non-null value
 * replaces it (an empty string only an empty or missing one).
 */
export function keepUnknownFieldsMerging(kept: Record<string, unknown> | undefined, source: Record<string, unknown>, known: ReadonlySet<string>): Record<string, unknown> | undefined {
  for (const key in source) {
    if (known.has(key)) continue;
    const value = source[key];
    if (value === undefined || value === null) continue;
    const out = (kept ??= {});
    const held = Object.hasOwn(out, key) ? out[key] : undefined;
    if (Array.isArray(value)) {
      if (held instanceof ArrayMerge) held.add(value);
      else {
        const merge = new ArrayMerge();
        merge.add(value);
        setOwnField(out, key, merge);
      }
    } else if (replacesHeld(held, value)) setOwnField(out, key, value);
  }
  return kept;
}

/** Copies kept fields onto a snapshot object; accumulated arrays as their entries so far. */
export function copyKeptFields(target: Record<string, unknown>, kept: Record<string, unknown>): void {
  for (const key in kept) {
    const value = kept[key];
    if (value instanceof ArrayMerge) value.defineOn(target, key);
    else setOwnField(target, key, value);
  }
}
