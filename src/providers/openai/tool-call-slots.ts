/**
 * Which call of a choice a `delta.tool_calls[]` fragment belongs to (merge rule 8). Servers
 * differ: OpenAI sends `index` on every fragment and `id` on the first; some repeat `id` on
 * every fragment; some leave `index` out; some reuse index 0 for every call. An explicit
 * `index` always wins over matching by `id`. The rule, in order:
 *
 * 1. A fragment with an `index` and a non-empty `id`:
 *    - the call that owns the `id`, when that call was started with the same `index`;
 *    - else the newest call started with that `index`, when it has no id yet (the id came late);
 *    - else a new call: at that index when no call holds it, otherwise at the next free index
 *      (largest index + 1). So an `index` that differs from the one of the call owning the `id`
 *      starts a second call (two calls, not one with arguments `"{}{}"`).
 * 2. A fragment with a non-empty `id` and no `index`: the call that owns the `id`, else a new
 *    call at the next free index.
 * 3. A fragment with an `index` and no `id` (or `id: ""`): the newest call started with that
 *    index, else a new call at that index (at the next free one if another call holds it).
 * 4. Neither: the most recently started call of the choice, else a new call 0.
 *
 * Every call has a unique `index` (the one in events and the final order), and `wireIndex`
 * remembers the index the server used, to route later fragments that name only it. Indexes may
 * be sparse and arrive in any order: calls are kept in maps and put in index order when the list
 * is read, so 100,000 calls cost linear time (issue 19, item 4).
 */
import { createTextGrowth, type TextGrowth } from '../../assembly/growing-text.js';
import type { IncrementalJson } from '../../assembly/incremental-json.js';

export interface ToolCallSlot {
  /** Unique position key: the final `tool_calls` are sorted by it; events carry it. */
  index: number;
  /** The `index` the server sent when it started this call (undefined when it sent none). */
  wireIndex: number | undefined;
  /** `""` until a non-empty id arrived. */
  id: string;
  /** `""` until a non-empty type arrived (the final object defaults it to `"function"`). */
  type: string;
  /** A custom tool call (`custom: {name, input}` fragments): `input` is kept in `arguments`. */
  custom: boolean;
  /** `""` until a non-empty name arrived. */
  name: string;
  arguments: string;
  /** Flattening state of `arguments` (growing-text.ts). */
  argumentsGrowth: TextGrowth;
  /** Unknown fields of the call (last non-null value), e.g. Gemini's `extra_content`. */
  extras: Record<string, unknown> | undefined;
  /** Unknown fields of `function` (last non-null value). */
  functionExtras: Record<string, unknown> | undefined;
  /** `tool_call.start` was emitted. */
  started: boolean;
  /** `tool_call.done` was emitted. */
  done: boolean;
  /** Incremental parser of the arguments, created when an event's `partial` is first read. */
  json: IncrementalJson | undefined;
  /** How many characters of `arguments` the parser has been fed. */
  fed: number;
}

export interface ToolCallSlots {
  /** The calls, sorted by `index` (sorted when read after calls came out of order). Shared: read, never change. */
  readonly list: readonly ToolCallSlot[];
  /** The slot the fragment belongs to, created when new (see the rule above). */
  slotFor(id: string | undefined, wireIndex: number | undefined): ToolCallSlot;
}

/**
 * The tool-call slots of one choice.
 *
 * @example
 * ```ts
 * const slots = createToolCallSlots();
 * slots.slotFor('call_1', 0).arguments += '{"a":';
 * slots.slotFor(undefined, 0).arguments += '1}'; // same call
 * slots.slotFor('call_2', undefined);            // a new call at index 1
 * ```
 */
export function createToolCallSlots(): ToolCallSlots {
  const list: ToolCallSlot[] = [];
  let sorted = true;
  /** Largest index in use (-1: none). */
  let largest = -1;
  const byIndex = new Map<number, ToolCallSlot>();
  /** The newest call started with each wire index (reused indexes: the later call takes over). */
  const byWire = new Map<number, ToolCallSlot>();
  /** The newest call with each id. */
  const byId = new Map<string, ToolCallSlot>();
  /** Most recently started call (rule 4). */
  let newest: ToolCallSlot | undefined;

  const open = (id: string, wireIndex: number | undefined, index: number): ToolCallSlot => {
    const slot: ToolCallSlot = { index, wireIndex, id, type: '', custom: false, name: '', arguments: '', argumentsGrowth: createTextGrowth(), extras: undefined, functionExtras: undefined, started: false, done: false, json: undefined, fed: 0 };
    if (index < largest) sorted = false;
    else largest = index;
    list.push(slot);
    byIndex.set(index, slot);
    if (wireIndex !== undefined) byWire.set(wireIndex, slot);
    if (id !== '') byId.set(id, slot);
    newest = slot;
    return slot;
  };

  const at = (index: number) => (byIndex.has(index) ? largest + 1 : index);

  const withId = (id: string, wireIndex: number | undefined): ToolCallSlot => {
    const owner = newest !== undefined && newest.id === id ? newest : byId.get(id);
    if (wireIndex === undefined) return owner ?? open(id, undefined, largest + 1);
    if (owner !== undefined && (owner.wireIndex ?? owner.index) === wireIndex) return owner;
    const slot = byWire.get(wireIndex);
    if (slot !== undefined && slot.id === '') {
      slot.id = id;
      byId.set(id, slot);
      return slot;
    }
    return open(id, wireIndex, slot === undefined ? at(wireIndex) : largest + 1);
  };

  return {
    get list() {
      if (!sorted) {
        list.sort((a, b) => a.index - b.index);
        sorted = true;
      }
      return list;
    },
    slotFor(id, wireIndex) {
      if (id !== undefined) return withId(id, wireIndex);
      if (wireIndex === undefined) return newest ?? open('', undefined, 0);
      return byWire.get(wireIndex) ?? open('', wireIndex, at(wireIndex));
    },
  };
}
