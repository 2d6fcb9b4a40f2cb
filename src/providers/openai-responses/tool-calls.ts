/**
 * The `tool_call.*` events of the Responses API's tool-call items: `function_call` (arguments
 * are JSON, parsed incrementally for `partial`) and `custom_tool_call` (free-form `input`, which
 * has no partial value). `index` is the item's `output_index`; `id` is its `call_id`, the id a
 * tool result must answer to.
 */
import { createIncrementalJson, type IncrementalJson } from '../../assembly/incremental-json.js';
import { PAYLOAD_JSON_OPTIONS, parseJsonWithinDepth } from '../../assembly/json-depth.js';
import type { ToolCallKind } from '../../assembly/events.js';
import { stringOrJsonText } from '../../assembly/json-text.js';
import { ParseError, excerptOf } from '../../errors.js';
import type { ItemState } from './items.js';
import type { ResponsesEventSink } from './event-sink.js';
import type { Response, ResponseItem } from './types.js';

/** The item field a tool call's arguments are streamed into, or undefined for items that are not tool calls. */
export function argumentsFieldOf(type: string): 'arguments' | 'input' | undefined {
  if (type === 'function_call') return 'arguments';
  if (type === 'custom_tool_call') return 'input';
  return undefined;
}

/** Per item: the incremental parser of its arguments (fed lazily, when a `partial` is read). */
export interface ArgumentsParse {
  json: IncrementalJson | undefined;
  fed: number;
}

const parses = new WeakMap<ItemState, ArgumentsParse>();

export function startToolCall(item: ItemState, sink: ResponsesEventSink): void {
  if (item.started) return;
  item.started = true;
  const base = item.base;
  sink.emit({ type: 'tool_call.start', choice: 0, snapshot: sink.snapshot, index: item.index, kind: kindOf(item), id: callIdOf(base), name: nameOf(base) });
}

export function emitArgumentsDelta(item: ItemState, delta: string, text: string, sink: ResponsesEventSink): void {
  if (!item.started) startToolCall(item, sink);
  sink.emit(new ArgumentsDelta(sink.snapshot, item, delta, text, sink.partialArguments && item.type === 'function_call'));
}

/** `tool_call.done`, from the item as it stands (the whole item once `output_item.done` brought it). */
export function finishToolCall(item: ItemState, final: ResponseItem, sink: ResponsesEventSink): void {
  if (!item.started) startToolCall(item, sink);
  item.finished = true;
  const field = argumentsFieldOf(item.type) ?? 'arguments';
  const text = stringOrJsonText(final[field]);
  let parsed: unknown = text;
  let error: ParseError | undefined;
  if (field === 'arguments') {
    if (text === '') parsed = {};
    else {
      try {
        parsed = parseJsonWithinDepth(text);
      } catch (cause) {
        parsed = undefined;
        const reason = cause instanceof Error ? cause.message : String(cause);
        error = new ParseError(`output[${item.index}].arguments is not valid JSON (${reason})`, { excerpt: excerptOf(text, 200), cause });
      }
    }
  }
  sink.emit({
    type: 'tool_call.done',
    choice: 0,
    snapshot: sink.snapshot,
    index: item.index,
    kind: kindOf(item),
    id: callIdOf(final),
    name: nameOf(final),
    arguments: text,
    parsed,
    ...(error ? { error } : {}),
  });
}

/** The events' `kind`: a custom tool's free-form `input`, or a function's JSON arguments. */
function kindOf(item: ItemState): ToolCallKind {
  return item.type === 'custom_tool_call' ? 'custom' : 'function';
}

function callIdOf(item: ResponseItem): string | undefined {
  const id = item.call_id ?? item.id;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

function nameOf(item: ResponseItem): string {
  return typeof item.name === 'string' ? item.name : '';
}

/** `tool_call.arguments.delta`, with `partial` a getter (parsed when read, each character once over the stream). */
class ArgumentsDelta {
  readonly type = 'tool_call.arguments.delta' as const;
  readonly choice = 0;
  readonly index: number;
  readonly kind: ToolCallKind;
  readonly arguments: string;
  readonly #item: ItemState | undefined;
  readonly #upTo: number;

  constructor(
    readonly snapshot: () => Response,
    item: ItemState,
    readonly delta: string,
    text: string,
    partial: boolean,
  ) {
    this.arguments = text;
    this.index = item.index;
    this.kind = kindOf(item);
    this.#item = partial ? item : undefined;
    this.#upTo = text.length;
  }

  get partial(): unknown {
    const item = this.#item;
    if (item === undefined) return undefined;
    let parse = parses.get(item);
    if (parse === undefined) parses.set(item, (parse = { json: undefined, fed: 0 }));
    const json = (parse.json ??= createIncrementalJson(PAYLOAD_JSON_OPTIONS));
    if (parse.fed < this.#upTo) {
      json.feed(this.arguments.slice(parse.fed, this.#upTo));
      parse.fed = this.#upTo;
    }
    return json.partial();
  }
}
