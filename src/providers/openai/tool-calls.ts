/**
 * Tool calls of one choice: fragments in, `message.tool_calls` out, with the `tool_call.*`
 * events. Per call: `id`, `type` and `function.name` come from the first fragment that has
 * them non-empty (a name may come late, or as `""` first), `function.arguments` is the
 * concatenation of every fragment, unknown call fields keep their last non-null value.
 * Which call a fragment belongs to is decided in tool-call-slots.ts.
 *
 * Custom tool calls (merge rule 7: `type: "custom"`, `custom: {name, input}` fragments) assemble
 * the same way: `custom.input` concatenated (held in `arguments`), `name` from the first
 * fragment that has one; the final call is `{id, type: "custom", custom: {name, input}}`, with
 * no `function` object, and the events say `kind: "custom"`. `custom` is read on the path for
 * fragments with fields beyond the function-call ones, so function fragments pay nothing for it.
 *
 * Arguments of another type than string (a server that sends the parsed object) are taken
 * as their JSON text. In `tool_call.done`, arguments `""` (no-argument calls on some servers)
 * parse as `{}`; invalid JSON gives `parsed: undefined` and a ParseError in `error`.
 *
 * The `partial` of `tool_call.arguments.delta` is parsed when it is read, not when the event is
 * built: the incremental parser is fed the arguments up to that event on first read (each
 * character once over the stream), so subscribers that never look at `partial` pay nothing
 * for it (parsing every fragment was a third of the time of a tool-call stream with events).
 */
import { appendText } from '../../assembly/growing-text.js';
import { jsonText } from '../../assembly/json-text.js';
import { createIncrementalJson } from '../../assembly/incremental-json.js';
import { PAYLOAD_JSON_OPTIONS, parseJsonWithinDepth } from '../../assembly/json-depth.js';
import { countKeys } from '../../assembly/count-keys.js';
import { keepUnknownFields, setOwnField } from '../../assembly/own-field.js';
import { ParseError, excerptOf } from '../../errors.js';
import type { EventSink } from './event-sink.js';
import { createToolCallSlots, type ToolCallSlot, type ToolCallSlots } from './tool-call-slots.js';
import type { ChatCompletionSnapshot, ChatCompletionToolCall, ChunkToolCall } from './types.js';

/**
 * Applies one `delta.tool_calls[]` fragment of choice `choice` to its slots.
 *
 * @example
 * ```ts
 * const slots = createToolCallSlots();
 * applyToolCallFragment(slots, { index: 0, id: 'call_1', function: { name: 'f', arguments: '{' } }, 0, undefined);
 * applyToolCallFragment(slots, { index: 0, function: { arguments: '}' } }, 0, undefined);
 * toolCallsSnapshot(slots); // [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } }]
 * ```
 */
export function applyToolCallFragment(slots: ToolCallSlots, fragment: ChunkToolCall, choice: number, sink: EventSink | undefined): void {
  const id = fragment.id;
  const index = fragment.index;
  const slot = slots.slotFor(typeof id === 'string' && id !== '' ? id : undefined, typeof index === 'number' ? index : undefined);
  if (slot.id === '' && typeof id === 'string') slot.id = id;
  const type = fragment.type;
  if (slot.type === '' && typeof type === 'string') slot.type = type;
  let delta = '';
  const fn = fragment.function;
  if (fn !== undefined && fn !== null) {
    const name = fn.name;
    if (slot.name === '' && typeof name === 'string') slot.name = name;
    const args: unknown = fn.arguments;
    if (typeof args === 'string') delta = args;
    else if (args !== undefined && args !== null) delta = jsonText(args);
    if (delta !== '') slot.arguments = appendText(slot.argumentsGrowth, delta);
    // Fields of `function` other than name and arguments (rule 9), looked for the same way.
    let inFunction = 0;
    if (name !== undefined) inFunction++;
    if (args !== undefined) inFunction++;
    if (countKeys(fn) !== inFunction) slot.functionExtras = keepUnknownFields(slot.functionExtras, fn, KNOWN_IN_FUNCTION);
  }
  // Unknown fields are looked for only when the fragment has more keys than the known ones it sent.
  let known = 0;
  if (index !== undefined) known++;
  if (id !== undefined) known++;
  if (type !== undefined) known++;
  if (fn !== undefined) known++;
  if (countKeys(fragment) !== known) {
    const custom = fragment.custom;
    if (typeof custom === 'object' && custom !== null && !Array.isArray(custom)) {
      slot.custom = true;
      const { name, input } = custom as { name?: unknown; input?: unknown };
      if (slot.name === '' && typeof name === 'string') slot.name = name;
      const text = typeof input === 'string' ? input : input !== undefined && input !== null ? jsonText(input) : '';
      if (text !== '') {
        slot.arguments = appendText(slot.argumentsGrowth, text);
        delta += text;
      }
    }
    slot.extras = keepUnknownFields(slot.extras, fragment, KNOWN_IN_TOOL_CALL);
  }
  if (sink !== undefined) emitFragment(slot, delta, choice, sink);
}

/** The tool-call fields read by name; every other one is kept as it comes (last non-null value). */
const KNOWN_IN_TOOL_CALL: ReadonlySet<string> = new Set(['index', 'id', 'type', 'function', 'custom']);

const KNOWN_IN_FUNCTION: ReadonlySet<string> = new Set(['name', 'arguments']);

const kindOf = (slot: ToolCallSlot) => (slot.custom ? 'custom' : 'function');

function emitFragment(slot: ToolCallSlot, delta: string, choice: number, sink: EventSink): void {
  if (slot.started) {
    if (delta !== '') emitArguments(slot, delta, choice, sink);
    return;
  }
  if (slot.name === '') return; // arguments before the name: sent with the start
  startCall(slot, choice, sink);
}

/** `tool_call.start`, then the arguments that arrived before it, as one delta. */
function startCall(slot: ToolCallSlot, choice: number, sink: EventSink): void {
  slot.started = true;
  sink.emit({ type: 'tool_call.start', choice, snapshot: sink.snapshot, index: slot.index, id: slot.id === '' ? undefined : slot.id, name: slot.name, kind: kindOf(slot) });
  if (slot.arguments !== '') emitArguments(slot, slot.arguments, choice, sink);
}

function emitArguments(slot: ToolCallSlot, delta: string, choice: number, sink: EventSink): void {
  sink.emit(new ArgumentsDelta(choice, sink.snapshot, slot, delta, sink.partialArguments));
}

/**
 * The `tool_call.arguments.delta` event. A class so that `partial` can be a getter on the
 * prototype: defining a lazy own property on every event cost more than the parse it saved.
 */
class ArgumentsDelta {
  readonly type = 'tool_call.arguments.delta' as const;
  readonly index: number;
  readonly kind: 'function' | 'custom';
  readonly arguments: string;
  readonly #slot: ToolCallSlot | undefined;
  readonly #upTo: number;

  constructor(
    readonly choice: number,
    readonly snapshot: () => ChatCompletionSnapshot,
    slot: ToolCallSlot,
    readonly delta: string,
    partial: boolean,
  ) {
    this.index = slot.index;
    this.kind = kindOf(slot);
    this.arguments = slot.arguments;
    // A custom call's input is free text: no JSON to parse.
    this.#slot = partial && !slot.custom ? slot : undefined;
    this.#upTo = slot.arguments.length;
  }

  /**
   * The arguments so far as a partial JSON value (undefined with `partialArguments: false`).
   * Read after later fragments were fed, it is the live value, which has grown since.
   */
  get partial(): unknown {
    const slot = this.#slot;
    if (slot === undefined) return undefined;
    const json = (slot.json ??= createIncrementalJson(PAYLOAD_JSON_OPTIONS));
    if (slot.fed < this.#upTo) {
      json.feed(slot.arguments.slice(slot.fed, this.#upTo));
      slot.fed = this.#upTo;
    }
    return json.partial();
  }
}

/**
 * Emits `tool_call.done` for every call of the choice not yet done (a start first for a call
 * that never got a name), in index order.
 */
export function finishToolCalls(slots: ToolCallSlots, choice: number, sink: EventSink): void {
  const list = slots.list;
  for (let i = 0; i < list.length; i++) {
    const slot = list[i]!;
    if (slot.done) continue;
    slot.done = true;
    if (!slot.started) startCall(slot, choice, sink);
    let parsed: unknown;
    let error: ParseError | undefined;
    if (slot.custom) parsed = slot.arguments;
    else if (slot.arguments === '') parsed = {};
    else {
      try {
        parsed = parseJsonWithinDepth(slot.arguments);
      } catch (cause) {
        const reason = cause instanceof Error ? cause.message : String(cause);
        error = new ParseError(`choices[${choice}].tool_calls[${i}].function.arguments is not valid JSON (${reason})`, {
          excerpt: excerptOf(slot.arguments, 200),
          cause,
        });
      }
    }
    sink.emit({
      type: 'tool_call.done',
      choice,
      snapshot: sink.snapshot,
      index: slot.index,
      kind: kindOf(slot),
      id: slot.id === '' ? undefined : slot.id,
      name: slot.name,
      arguments: slot.arguments,
      parsed,
      ...(error ? { error } : {}),
    });
  }
}

/** The calls in the final shape: `{ id, type, function: { name, arguments } }` (custom: `{ id, type, custom: { name, input } }`), sorted by index. */
export function toolCallsSnapshot(slots: ToolCallSlots): ChatCompletionToolCall[] {
  const list = slots.list;
  const out: ChatCompletionToolCall[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const slot = list[i]!;
    const call = (
      slot.custom
        ? { id: slot.id, type: slot.type === '' ? 'custom' : slot.type, custom: { name: slot.name, input: slot.arguments } }
        : { id: slot.id, type: slot.type === '' ? 'function' : slot.type, function: functionOf(slot) }
    ) as ChatCompletionToolCall;
    const extras = slot.extras;
    if (extras !== undefined) for (const key in extras) setOwnField(call, key, extras[key]);
    out[i] = call;
  }
  return out;
}

/** `{ name, arguments }`, then the function's unknown fields. */
function functionOf(slot: ToolCallSlot): { name: string; arguments: string } {
  const fn = { name: slot.name, arguments: slot.arguments };
  const extras = slot.functionExtras;
  if (extras !== undefined) for (const key in extras) setOwnField(fn, key, extras[key]);
  return fn;
}

export { createToolCallSlots, type ToolCallSlots };
