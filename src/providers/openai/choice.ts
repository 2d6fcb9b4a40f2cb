/**
 * One choice of a chat-completions stream: its deltas in, `choices[i]` of the final object out.
 *
 * - `message.role`: the first non-empty role (default `"assistant"`);
 * - `message.content` / `message.refusal`: the concatenated text, `null` when no non-empty
 *   text arrived (`""` placeholders on the role chunk don't count); content sent as an array of
 *   parts follows merge rule 2 (assembly/content-parts.ts);
 * - the delta is the source of truth; a chunk-level `message` beside it (merge rule 5) is read
 *   only by a choice that has no `delta` at all;
 * - `finish_reason`: the last non-empty one (a later `null`, as OpenRouter sends on its usage
 *   chunk, doesn't erase it), `null` when none came;
 * - tool calls (tool-calls.ts), legacy `function_call` (`name` first non-empty, `arguments`
 *   concatenated), logprobs (logprobs.ts), unknown delta fields (message-fields.ts);
 * - unknown choice fields (OpenRouter `native_finish_reason`, vLLM `stop_reason`, Azure
 *   `content_filter_results`) keep their last non-null value; arrays (vLLM `token_ids`)
 *   accumulate (merge rule 1);
 * - `delta.obfuscation` (padding) is dropped.
 */
import { countKeys } from '../../assembly/count-keys.js';
import { appendText, createTextGrowth, type TextGrowth } from '../../assembly/growing-text.js';
import { jsonText } from '../../assembly/json-text.js';
import { createIncrementalJson, type IncrementalJson } from '../../assembly/incremental-json.js';
import { PAYLOAD_JSON_OPTIONS } from '../../assembly/json-depth.js';
import { copyKeptFields, keepUnknownFieldsMerging } from '../../assembly/array-merge.js';
import { ContentParts, textOf } from '../../assembly/content-parts.js';
import type { EventSink } from './event-sink.js';
import { appendLogprobs, logprobsSnapshot, type LogprobLists } from './logprobs.js';
import { applyMessageField, copyMessageFields, finishReasoning, type MessageFields } from './message-fields.js';
import { applyToolCallFragment, createToolCallSlots, finishToolCalls, toolCallsSnapshot, type ToolCallSlots } from './tool-calls.js';
import type { ChatCompletionChoice, ChatCompletionFunctionCall, ChatCompletionMessage, ChunkChoice, ChunkDelta, ChunkToolCall } from './types.js';

export interface ChoiceState {
  index: number;
  /** `""` until a non-empty role arrived. */
  role: string;
  /** The content text (since the last part list, once `parts` exists). */
  content: string;
  contentGrowth: TextGrowth;
  /** Content as parts, once a delta sent `content` as an array (rule 2); `content` then holds the text after them. */
  parts: ContentParts | undefined;
  refusal: string;
  refusalGrowth: TextGrowth;
  finishReason: string | null;
  /** The `*.done` and `finish` events were emitted (at the finish_reason, or at the end of the stream). */
  done: boolean;
  toolCalls: ToolCallSlots | undefined;
  functionCall: ChatCompletionFunctionCall | undefined;
  logprobs: LogprobLists | undefined;
  fields: MessageFields | undefined;
  /** Flattening state of the string fields among `fields`, by name. */
  fieldGrowth: Map<string, TextGrowth> | undefined;
  extras: Record<string, unknown> | undefined;
  /** Incremental parser of the content, when `partialContent` is on. */
  contentJson: IncrementalJson | undefined;
}

/** A choice that has received nothing yet. */
export function createChoice(index: number): ChoiceState {
  return {
    index,
    role: '',
    content: '',
    contentGrowth: createTextGrowth(),
    parts: undefined,
    refusal: '',
    refusalGrowth: createTextGrowth(),
    finishReason: null,
    done: false,
    toolCalls: undefined,
    functionCall: undefined,
    logprobs: undefined,
    fields: undefined,
    fieldGrowth: undefined,
    extras: undefined,
    contentJson: undefined,
  };
}

/**
 * Applies one (validated) `choices[]` entry. Returns true when it brought the choice's first
 * finish_reason (the caller then finishes the choice).
 *
 * @example
 * ```ts
 * const state = createChoice(0);
 * applyChoice(state, { index: 0, delta: { content: 'Hi' } }, undefined);
 * applyChoice(state, { index: 0, delta: {}, finish_reason: 'stop' }, undefined); // true
 * choiceSnapshot(state, true).message.content; // 'Hi'
 * ```
 */
export function applyChoice(state: ChoiceState, choice: ChunkChoice, sink: EventSink | undefined): boolean {
  const delta = choice.delta;
  if (delta !== undefined && delta !== null) applyDelta(state, delta, sink);
  else {
    const message = choice.message;
    if (typeof message === 'object' && message !== null) applyDelta(state, message as ChunkDelta, sink);
  }
  const logprobs = choice.logprobs;
  if (logprobs !== undefined && logprobs !== null) appendLogprobs((state.logprobs ??= { content: null, refusal: null }), logprobs, state.index, sink);
  const reason = choice.finish_reason;
  // Unknown fields are looked for only when the choice has more keys than the known ones it sent.
  let known = 0;
  if (delta !== undefined) known++;
  if (logprobs !== undefined) known++;
  if (reason !== undefined) known++;
  if (choice.index !== undefined) known++;
  if (countKeys(choice) !== known) state.extras = keepUnknownFieldsMerging(state.extras, choice, KNOWN_IN_CHOICE);
  if (typeof reason !== 'string' || reason === '') return false;
  const first = state.finishReason === null;
  state.finishReason = reason;
  return first;
}

/** The choice fields read by name; every other one is kept as it comes (last non-null value, arrays accumulated). `message`: rule 5. */
const KNOWN_IN_CHOICE: ReadonlySet<string> = new Set(['delta', 'index', 'finish_reason', 'logprobs', 'message']);

function applyDelta(state: ChoiceState, delta: ChunkDelta, sink: EventSink | undefined): void {
  // Most deltas are one content fragment or only tool-call fragments: no walk over the keys for those.
  const content = delta.content;
  if (typeof content === 'string' && countKeys(delta) === 1) {
    if (content !== '') appendContent(state, content, sink);
    return;
  }
  const calls = delta.tool_calls;
  if (calls !== undefined && calls !== null && countKeys(delta) === 1) {
    applyToolCalls(state, calls, sink);
    return;
  }
  for (const key in delta) {
    const value = delta[key];
    if (value === undefined || value === null) continue;
    switch (key) {
      case 'role':
        if (state.role === '') state.role = value as string;
        break;
      case 'content':
        if (typeof value !== 'string') applyContentParts(state, value as unknown[], sink);
        else if (value !== '') appendContent(state, value, sink);
        break;
      case 'refusal':
        if (value !== '') {
          state.refusal = appendText(state.refusalGrowth, value as string);
          if (sink !== undefined) sink.emit({ type: 'refusal.delta', choice: state.index, snapshot: sink.snapshot, delta: value as string, refusal: state.refusal });
        }
        break;
      case 'tool_calls':
        applyToolCalls(state, value as ChunkToolCall[], sink);
        break;
      case 'function_call':
        applyFunctionCall(state, value as { name?: unknown; arguments?: unknown });
        break;
      case 'obfuscation':
        break;
      default:
        applyMessageField((state.fields ??= {}), key, value, state.index, sink, (state.fieldGrowth ??= new Map()));
    }
  }
}

function applyToolCalls(state: ChoiceState, fragments: ChunkToolCall[], sink: EventSink | undefined): void {
  if (fragments.length === 0) return;
  const slots = (state.toolCalls ??= createToolCallSlots());
  for (let i = 0; i < fragments.length; i++) applyToolCallFragment(slots, fragments[i]!, state.index, sink);
}

function appendContent(state: ChoiceState, text: string, sink: EventSink | undefined): void {
  state.content = appendText(state.contentGrowth, text);
  if (sink === undefined) return;
  sink.emit({ type: 'content.delta', choice: state.index, snapshot: sink.snapshot, delta: text, content: contentText(state) });
  if (!sink.partialContent) return;
  const json = (state.contentJson ??= createIncrementalJson(PAYLOAD_JSON_OPTIONS));
  json.feed(text);
  if (json.error === undefined) sink.emit({ type: 'content.partial', choice: state.index, snapshot: sink.snapshot, partial: json.partial(), openPath: json.openPath() });
}

/** A delta's `content` as a list of parts: the text so far becomes a text part before them. */
function applyContentParts(state: ChoiceState, list: unknown[], sink: EventSink | undefined): void {
  const parts = (state.parts ??= new ContentParts());
  if (state.content !== '') {
    parts.add(state.content);
    state.content = '';
    state.contentGrowth = createTextGrowth();
  }
  parts.add(list);
  if (sink === undefined) return;
  for (let i = 0; i < list.length; i++) {
    const text = textOf(list[i]);
    if (text !== undefined && text !== '') sink.emit({ type: 'content.delta', choice: state.index, snapshot: sink.snapshot, delta: text, content: parts.textSoFar });
  }
}

/** All the content text of the choice (text parts and plain string content). */
function contentText(state: ChoiceState): string {
  return state.parts === undefined ? state.content : state.parts.textSoFar + state.content;
}

function applyFunctionCall(state: ChoiceState, fn: { name?: unknown; arguments?: unknown }): void {
  const call = (state.functionCall ??= { name: '', arguments: '' });
  if (call.name === '' && typeof fn.name === 'string') call.name = fn.name;
  const args = fn.arguments;
  if (typeof args === 'string') call.arguments += args;
  else if (args !== undefined && args !== null) call.arguments += jsonText(args);
}

/** Emits the `*.done` events of the choice and its `finish`, once. */
export function finishChoice(state: ChoiceState, sink: EventSink): void {
  if (state.done) return;
  state.done = true;
  const choice = state.index;
  const content = contentText(state);
  if (content !== '') sink.emit({ type: 'content.done', choice, snapshot: sink.snapshot, content });
  if (state.refusal !== '') sink.emit({ type: 'refusal.done', choice, snapshot: sink.snapshot, refusal: state.refusal });
  if (state.fields !== undefined) finishReasoning(state.fields, choice, sink);
  if (state.toolCalls !== undefined) finishToolCalls(state.toolCalls, choice, sink);
  sink.emit({ type: 'finish', choice, snapshot: sink.snapshot, reason: state.finishReason });
}

/**
 * The choice in the final shape, keys in the order of the `stream: false` object; a fresh
 * object, O(tool calls + unknown fields).
 */
export function choiceSnapshot(state: ChoiceState, final: boolean): ChatCompletionChoice {
  const message: ChatCompletionMessage = {
    role: state.role === '' ? 'assistant' : state.role,
    content: state.parts !== undefined ? (state.parts.value(state.content) as ChatCompletionMessage['content']) : state.content === '' ? null : state.content,
    refusal: state.refusal === '' ? null : state.refusal,
  };
  if (state.toolCalls !== undefined && state.toolCalls.list.length > 0) message.tool_calls = toolCallsSnapshot(state.toolCalls);
  const fn = state.functionCall;
  if (fn !== undefined) message.function_call = { name: fn.name, arguments: fn.arguments };
  if (state.fields !== undefined) copyMessageFields(state.fields, message);
  const choice: ChatCompletionChoice = { index: state.index, message, logprobs: logprobsSnapshot(state.logprobs, final), finish_reason: state.finishReason };
  const extras = state.extras;
  if (extras !== undefined) copyKeptFields(choice, extras);
  return choice;
}
