/**
 * Which call of a choice a `delta.tool_calls[]` fragment belongs to. Servers differ: OpenAI
 * sends `index` on every fragment and `id` on the first; some repeat `id` on every fragment;
 * some leave `index` out; some reuse index 0 for every call. The rule, in order:
 *
 * 1. A fragment whose non-empty `id` matches a call of this choice belongs to that call.
 * 2. A fragment with a new `id`:
 *    - with an `index` whose newest call has no id yet: that call (the id arrived late);
 *    - with an `index` no call uses: a new call at that index;
 *    - otherwise (its `index` belongs to a call with another id, or it has no `index`): a new
 *      call, appended after the others at the next free index (largest index + 1).
 * 3. A fragment without `id` (or with `id: ""`):
 *    - with an `index`: the newest call started with that (wire) index, else a new call at
 *      that index (at the next free one if another call already holds it);
 *    - without `index`: the most recently started call of the choice, else a new call 0.
 *
 * So every call has a unique `index` (the one in events and the final order), and `wireIndex`
 * remembers the index the server used, to route later fragments that name only it.
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
  /** `""` until a non-empty name arrived. */
  name: string;
  arguments: string;
  /** Flattening state of `arguments` (growing-text.ts). */
  argumentsGrowth: TextGrowth;
  /** Unknown fields of the call (last non-null value), e.g. Gemini's `extra_content`. */
  extras: Record<string, unknown> | undefined;
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
  /** The calls, sorted by `index`. Shared: read, never change. */
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
  /** The newest call started with each wire index (reused indexes: the later call takes over). */
  const byWire = new Map<number, ToolCallSlot>();
  /** Most recently started call (rule 3, no index). */
  let newest: ToolCallSlot | undefined;

  const open = (id: string, wireIndex: number | undefined, index: number): ToolCallSlot => {
    const slot: ToolCallSlot = { index, wireIndex, id, type: '', name: '', arguments: '', argumentsGrowth: createTextGrowth(), extras: undefined, started: false, done: false, json: undefined, fed: 0 };
    let at = list.length;
    while (at > 0 && list[at - 1]!.index > index) at--;
    if (at === list.length) list.push(slot);
    else list.splice(at, 0, slot);
    if (wireIndex !== undefined) byWire.set(wireIndex, slot);
    newest = slot;
    return slot;
  };

  // `list` is sorted by index, so the largest is the last.
  const nextFree = () => (list.length === 0 ? 0 : list[list.length - 1]!.index + 1);
  const free = (index: number) => !list.some((s) => s.index === index);

  const withId = (id: string, wireIndex: number | undefined): ToolCallSlot => {
    if (newest !== undefined && newest.id === id) return newest;
    for (let i = 0; i < list.length; i++) if (list[i]!.id === id) return list[i]!;
    if (wireIndex === undefined) return open(id, undefined, nextFree());
    const slot = byWire.get(wireIndex);
    if (slot === undefined) return open(id, wireIndex, free(wireIndex) ? wireIndex : nextFree());
    return slot.id === '' ? slot : open(id, wireIndex, nextFree());
  };

  return {
    list,
    slotFor(id, wireIndex) {
      if (id !== undefined) return withId(id, wireIndex);
      if (wireIndex === undefined) return newest ?? open('', undefined, 0);
      return byWire.get(wireIndex) ?? open('', wireIndex, free(wireIndex) ? wireIndex : nextFree());
    },
  };
}
