/**
 * The Responses API reducer: parsed `data:` payloads of a `POST /v1/responses` stream in, the
 * `Response` that `stream: false` returns out.
 *
 * - `response.created` / `in_progress` / `queued` carry the envelope; the terminal event
 *   (`response.completed`, `response.incomplete`, `response.failed`) carries the whole response,
 *   which is authoritative: the output built from the events only fills what it omits (merge.ts).
 *   Without a terminal event the partial response is the last envelope with the built output.
 * - Items, parts and their deltas: items.ts (keyed by `output_index`, never by id).
 * - `error` events and `response.failed` throw a ProviderError carrying the partial response;
 *   a stream that ends without a terminal event is a TruncatedStreamError (also after
 *   `data: [DONE]`, which some servers send); `response.incomplete` is a valid final response.
 * - `sequence_number` gaps, repeats and reordering: a `diagnostic` event and an entry in the
 *   final object's non-enumerable `diagnostics` list; with `strict`, a ParseError.
 * - Events of types this file does not know are kept (`unknownEvents`) and never an error; see
 *   items.ts for the naming rules that still assemble the deltas of unknown item types.
 *
 * Events (only built when `onEvent` is set) map onto the chat-completions ones, so the same UI
 * code works for both; every event's `choice` is 0 and tool calls are indexed by `output_index`.
 */
import { ASSEMBLER_OPTIONS, checkOptions } from '../../assembly/check-options.js';
import type { Assembler, AssemblerOptions } from '../../assembly/assembler.js';
import type { TokenLogprob, UsageInfo } from '../../assembly/events.js';
import { describeValue } from '../../assembly/describe-value.js';
import { appendText } from '../../assembly/growing-text.js';
import { indexLimitError } from '../../assembly/index-limit.js';
import { jsonExcerpt, stringOrJsonText } from '../../assembly/json-text.js';
import { setOwnField } from '../../assembly/own-field.js';
import { normalizeUsage } from '../../assembly/usage.js';
import { ChunkwiseError, ParseError, ProviderError, TruncatedStreamError, excerptOf } from '../../errors.js';
import type { ResponsesEventSink } from './event-sink.js';
import {
  appendLogprobs,
  appendPartText,
  createItem,
  createPart,
  fieldOf,
  itemSnapshot,
  partAt,
  textFieldOf,
  type ItemState,
  type PartState,
} from './items.js';
import { mergeTerminal } from './merge.js';
import { createSequenceCheck } from './sequence.js';
import { argumentsFieldOf, emitArgumentsDelta, finishToolCall, startToolCall } from './tool-calls.js';
import type { Response, ResponseContentPart, ResponseItem, ResponseStreamEvent, SequenceDiagnostic } from './types.js';

export type ResponsesAssembler = Assembler<ResponseStreamEvent, Response, Response> & {
  /** The `sequence_number` problems seen so far. */
  readonly diagnostics: readonly SequenceDiagnostic[];
  /** Events of types the assembler does not know, as they came (also passed on as `chunk` events). */
  readonly unknownEvents: readonly ResponseStreamEvent[];
};
export type ResponsesAssemblerOptions = AssemblerOptions<Response, ResponseStreamEvent>;

/**
 * The largest `output_index`, `content_index` or `summary_index`: parts are kept in dense lists,
 * so a hostile `content_index: 1e9` must not make a list that long. Past it: a LimitError.
 */
const MAX_INDEX = (1 << 16) - 1;
/** Unknown events kept, at most (the rest still reach `chunk` subscribers). */
const MAX_UNKNOWN = 10_000;
/** `response.<item type>.<status>` progress events that set the item's status. */
const PROGRESS_STATUSES: ReadonlySet<string> = new Set(['in_progress', 'searching', 'interpreting', 'generating', 'completed', 'failed', 'incomplete']);
/** Terminal event types. */
const TERMINAL: ReadonlySet<string> = new Set(['response.completed', 'response.incomplete', 'response.failed']);

// One piece: the reducer's state (envelope, items by output_index, the terminal response) is this
// closure's, read by push() on every event; split up, every step would take that state as arguments.
/**
 * Creates the reducer for one Responses stream.
 *
 * @example
 * ```ts
 * const assembler = createResponsesAssembler({ onEvent: (e) => e.type === 'content.delta' && write(e.delta) });
 * for (const data of sseDataPayloads) assembler.push(JSON.parse(data));
 * const response = assembler.finish(false, false);
 * response.output[0].content[0].text;
 * ```
 */
export function createResponsesAssembler(options: ResponsesAssemblerOptions = {}): ResponsesAssembler {
  checkOptions('createResponsesAssembler', options, ASSEMBLER_OPTIONS);
  let envelope: Response | undefined;
  let terminal: Response | undefined;
  let terminalType = '';
  /** The error of a `response.failed` stream, thrown again by `finish`. */
  let failure: unknown;
  /** Sorted by output_index. */
  const items: ItemState[] = [];
  const byIndex = new Map<number, ItemState>();
  let lastItem: ItemState | undefined;
  let events = 0;
  const diagnostics: SequenceDiagnostic[] = [];
  const unknownEvents: ResponseStreamEvent[] = [];
  const sequence = createSequenceCheck();
  const strict = options.strict ?? false;

  const builtOutput = (final: boolean): ResponseItem[] => {
    const out = new Array<ResponseItem>(items.length);
    for (let i = 0; i < items.length; i++) out[i] = itemSnapshot(items[i]!, final);
    return out;
  };

  const build = (final: boolean): Response => {
    let out: Response;
    if (terminal !== undefined) {
      const merged = mergeTerminal(terminal, builtOutput(final));
      out = merged === terminal ? copy(terminal) : merged;
    } else {
      out = {} as Response;
      if (envelope !== undefined) for (const key in envelope) setOwnField(out, key, envelope[key]);
      else {
        out.id = '';
        out.object = 'response';
      }
      out.output = builtOutput(final);
    }
    if (diagnostics.length > 0) Object.defineProperty(out, 'diagnostics', { value: diagnostics.slice(), enumerable: false, configurable: true });
    return out;
  };
  const snapshot = (): Response => build(false);

  const onEvent = options.onEvent;
  const sink: ResponsesEventSink | undefined = onEvent && { emit: onEvent, snapshot, partialArguments: options.partialArguments ?? true };

  const itemAt = (index: number): ItemState | undefined => {
    if (lastItem !== undefined && lastItem.index === index) return lastItem;
    const item = byIndex.get(index);
    if (item !== undefined) lastItem = item;
    return item;
  };

  /** The item at `index`, opened as `{type}` when an event comes before its `output_item.added`. */
  const openItem = (index: number, item: ResponseItem): ItemState => {
    const state = createItem(index, item);
    byIndex.set(index, state);
    let at = items.length;
    while (at > 0 && items[at - 1]!.index > index) at--;
    items.splice(at, 0, state);
    return (lastItem = state);
  };

  const itemFor = (event: ResponseStreamEvent, position: Position, type: string): ItemState => {
    const index = indexOf(event, 'output_index', position);
    return itemAt(index) ?? openItem(index, { type, status: 'in_progress' } as ResponseItem);
  };

  const partsOf = (item: ItemState, key: 'content' | 'summary'): PartState[] => (item[key] ??= []);

  const partFor = (event: ResponseStreamEvent, position: Position, key: 'content' | 'summary', itemType: string, partType: string): PartState => {
    const item = itemFor(event, position, itemType);
    return partAt(partsOf(item, key), indexOf(event, key === 'content' ? 'content_index' : 'summary_index', position), partType);
  };

  const onDiagnostic = (found: SequenceDiagnostic, position: Position) => {
    if (strict) throw new ParseError(`Out-of-sequence event: ${found.message}`, { ...position });
    diagnostics.push(found);
    if (sink !== undefined) sink.emit({ type: 'diagnostic', choice: 0, snapshot, kind: `sequence.${found.kind}`, message: found.message, expected: found.expected, received: found.received });
  };

  let lastText: PartState | undefined;
  let lastTextItem = -1;
  let lastTextIndex = -1;

  // One piece: one switch over the wire event types, each case a few lines that route to the item's
  // builder; the table of cases is easier to check against the API reference whole.
  const apply = (event: ResponseStreamEvent, position: Position): void => {
    const type = event.type;
    if (type !== 'response.output_text.delta') lastText = undefined;
    switch (type) {
      case 'response.output_text.delta': {
        // Text deltas come in runs for one part: the last one is kept at hand (reset wherever parts are replaced).
        const oi = event.output_index;
        const ci = event.content_index ?? 0;
        let part = lastText;
        if (part === undefined || oi !== lastTextItem || ci !== lastTextIndex) {
          part = lastText = partFor(event, position, 'content', 'message', 'output_text');
          lastTextItem = oi as number;
          lastTextIndex = ci;
        }
        const delta = textDelta(event, position);
        if (delta !== '') appendPartText(part, delta);
        const logprobs = event.logprobs;
        if (Array.isArray(logprobs) && logprobs.length > 0) appendLogprobs(part, logprobs as TokenLogprob[]);
        if (sink !== undefined) {
          if (delta !== '') sink.emit({ type: 'content.delta', choice: 0, snapshot, delta, content: part.text });
          if (Array.isArray(logprobs)) emitLogprobs(logprobs as TokenLogprob[], part, sink);
        }
        return;
      }
      case 'response.function_call_arguments.delta':
      case 'response.custom_tool_call_input.delta': {
        // The generic `<type>_<field>.delta` rule (applyGeneric), without its string work: the
        // tool-call stream's hot path.
        const item = itemFor(event, position, type === 'response.function_call_arguments.delta' ? 'function_call' : 'custom_tool_call');
        const name = type === 'response.function_call_arguments.delta' ? 'arguments' : 'input';
        if (argumentsFieldOf(item.type) !== name) break;
        const delta = stringOrJsonText(event.delta);
        if (delta === '') return;
        const field = fieldOf(item, name);
        field.text = appendText(field.growth, delta);
        if (sink !== undefined) emitArgumentsDelta(item, delta, field.text, sink);
        return;
      }
      case 'response.created':
      case 'response.in_progress':
      case 'response.queued':
        if (isObject(event.response)) envelope = event.response as Response;
        return;
      case 'response.completed':
      case 'response.incomplete':
      case 'response.failed':
        if (!isObject(event.response)) throw new ParseError(`A ${type} event has no response object`, { ...position, excerpt: excerptOf(safeJson(event)) });
        terminal = event.response as Response;
        terminalType = type;
        return;
      case 'response.output_item.added': {
        const item = objectField(event, 'item', position);
        const index = indexOf(event, 'output_index', position);
        const existing = itemAt(index);
        const state = existing ?? openItem(index, item);
        if (existing !== undefined && !existing.done) {
          existing.base = item;
          existing.type = typeof item.type === 'string' ? item.type : existing.type;
        }
        if (sink !== undefined && argumentsFieldOf(state.type) !== undefined) {
          startToolCall(state, sink);
          const field = argumentsFieldOf(state.type)!;
          const initial = item[field];
          if (typeof initial === 'string' && initial !== '') emitArgumentsDelta(state, initial, initial, sink);
        }
        return;
      }
      case 'response.output_item.done': {
        const item = objectField(event, 'item', position);
        const state = itemFor(event, position, typeof item.type === 'string' ? item.type : '');
        state.base = item;
        if (typeof item.type === 'string') state.type = item.type;
        state.done = true;
        if (sink !== undefined && !state.finished && argumentsFieldOf(state.type) !== undefined) finishToolCall(state, item, sink);
        return;
      }
      case 'response.content_part.added':
      case 'response.reasoning_summary_part.added': {
        const key = type === 'response.content_part.added' ? 'content' : 'summary';
        const part = objectField(event, 'part', position) as ResponseContentPart;
        const item = itemFor(event, position, key === 'summary' ? 'reasoning' : 'message');
        const list = partsOf(item, key);
        const index = indexOf(event, key === 'content' ? 'content_index' : 'summary_index', position);
        const existing = list[index];
        if (existing === undefined || existing.done) list[index] = createPart(part, textFieldOf(part.type));
        else existing.base = part;
        return;
      }
      case 'response.content_part.done':
      case 'response.reasoning_summary_part.done': {
        const key = type === 'response.content_part.done' ? 'content' : 'summary';
        const part = objectField(event, 'part', position) as ResponseContentPart;
        const state = partFor(event, position, key, key === 'summary' ? 'reasoning' : 'message', typeof part.type === 'string' ? part.type : 'output_text');
        state.base = part;
        state.done = true;
        return;
      }
      case 'response.output_text.done':
      case 'response.refusal.done':
      case 'response.reasoning_text.done':
      case 'response.reasoning_summary_text.done': {
        const summary = type === 'response.reasoning_summary_text.done';
        const refusal = type === 'response.refusal.done';
        const reasoning = summary || type === 'response.reasoning_text.done';
        const part = partFor(event, position, summary ? 'summary' : 'content', reasoning ? 'reasoning' : 'message', refusal ? 'refusal' : reasoning ? (summary ? 'summary_text' : 'reasoning_text') : 'output_text');
        const text = event[refusal ? 'refusal' : 'text'];
        if (typeof text === 'string') {
          part.text = text;
          part.growth = { head: text, tail: '', pieces: 0, copied: 0 };
        }
        if (sink !== undefined) {
          if (refusal) sink.emit({ type: 'refusal.done', choice: 0, snapshot, refusal: part.text });
          else if (reasoning) sink.emit({ type: 'reasoning.done', choice: 0, snapshot, field: summary ? 'reasoning_summary' : 'reasoning_text', reasoning: part.text });
          else sink.emit({ type: 'content.done', choice: 0, snapshot, content: part.text });
        }
        return;
      }
      case 'response.refusal.delta':
      case 'response.reasoning_text.delta':
      case 'response.reasoning_summary_text.delta': {
        const summary = type === 'response.reasoning_summary_text.delta';
        const refusal = type === 'response.refusal.delta';
        const part = partFor(event, position, summary ? 'summary' : 'content', refusal ? 'message' : 'reasoning', refusal ? 'refusal' : summary ? 'summary_text' : 'reasoning_text');
        const delta = textDelta(event, position);
        if (delta === '') return;
        appendPartText(part, delta);
        if (sink !== undefined) {
          if (refusal) sink.emit({ type: 'refusal.delta', choice: 0, snapshot, delta, refusal: part.text });
          else sink.emit({ type: 'reasoning.delta', choice: 0, snapshot, field: summary ? 'reasoning_summary' : 'reasoning_text', delta, reasoning: part.text });
        }
        return;
      }
      case 'response.output_text.annotation.added': {
        const part = partFor(event, position, 'content', 'message', 'output_text');
        const annotations = (part.annotations ??= Array.isArray(part.base.annotations) ? part.base.annotations.slice() : []);
        const at = event.annotation_index;
        if (typeof at === 'number' && Number.isInteger(at) && at >= 0 && at <= MAX_INDEX) annotations[at] = event.annotation;
        else annotations.push(event.annotation);
        if (sink !== undefined) sink.emit({ type: 'annotation', choice: 0, snapshot, index: indexOf(event, 'output_index', position), annotation: event.annotation });
        return;
      }
      case 'error':
        throw errorEventOf(event, position);
    }
    applyGeneric(event, type, position);
  };

  /** Item field deltas and progress events by the documented naming scheme (items.ts); anything else is kept as it came. */
  const applyGeneric = (event: ResponseStreamEvent, type: string, position: Position): void => {
    const item = typeof event.output_index === 'number' ? itemAt(event.output_index) : undefined;
    if (item !== undefined && type.startsWith('response.')) {
      const dot = type.lastIndexOf('.');
      const name = type.slice('response.'.length, dot);
      const suffix = type.slice(dot + 1);
      const prefix = `${item.type}_`;
      if ((suffix === 'delta' || suffix === 'done') && name.startsWith(prefix)) {
        const fieldName = name.slice(prefix.length);
        const field = fieldOf(item, fieldName);
        if (suffix === 'delta') {
          const text = stringOrJsonText(event.delta);
          if (text === '') return;
          field.text = appendText(field.growth, text);
          if (sink !== undefined && argumentsFieldOf(item.type) === fieldName) emitArgumentsDelta(item, text, field.text, sink);
        } else {
          const whole = event[fieldName];
          if (typeof whole === 'string') {
            field.text = whole;
            field.growth = { head: whole, tail: '', pieces: 0, copied: 0 };
          }
        }
        return;
      }
      if (name === item.type && PROGRESS_STATUSES.has(suffix)) {
        if (!item.done) item.status = suffix;
        return;
      }
    }
    if (unknownEvents.length < MAX_UNKNOWN) unknownEvents.push(event);
    void position;
  };

  const finishEvents = () => {
    if (sink === undefined || terminal === undefined) return;
    const final = build(false);
    const output = Array.isArray(final.output) ? final.output : [];
    for (const item of items) {
      // Not marked done: the final object still builds this item from its streamed fields.
      if (item.finished || argumentsFieldOf(item.type) === undefined) continue;
      const match = output.find((o) => o !== null && typeof o === 'object' && o.call_id !== undefined && o.call_id === item.base.call_id) ?? itemSnapshot(item, false);
      finishToolCall(item, match, sink);
    }
    const usage = usageOf(terminal.usage);
    if (usage !== undefined) sink.emit({ type: 'usage', choice: 0, snapshot, usage, normalized: normalizeUsage(usage) });
    sink.emit({ type: 'finish', choice: 0, snapshot, reason: finishReasonOf(final) });
  };

  return {
    push(payload: unknown, position: Position = {}): ResponseStreamEvent {
      if (!isObject(payload) || typeof (payload as { type?: unknown }).type !== 'string') {
        throw withBuilt(
          new ParseError('An SSE event of a Responses API stream is not an object with a string "type"', { ...position, excerpt: excerptOf(safeJson(payload)) }),
        );
      }
      const event = payload as ResponseStreamEvent;
      events++;
      try {
        const found = sequence.check(event.sequence_number, position.event ?? events);
        if (found !== undefined) onDiagnostic(found, position);
        apply(event, position);
      } catch (error) {
        throw withBuilt(error);
      }
      if (terminal !== undefined && TERMINAL.has(event.type)) {
        if (terminalType === 'response.failed') throw (failure = withBuilt(failedError(terminal, event, position)));
        finishEvents();
      }
      if (sink !== undefined) sink.emit({ type: 'chunk', choice: 0, snapshot, chunk: event });
      return event;
    },

    snapshot,

    finish(terminated: boolean, lenient: boolean): Response {
      if (failure !== undefined) throw failure;
      if (terminal === undefined) {
        const problem = truncation(terminated);
        if (!lenient || events === 0) throw new TruncatedStreamError(problem, events > 0 ? { partial: build(true) } : {});
      }
      return build(true);
    },

    get complete() {
      return terminal !== undefined;
    },

    get diagnostics() {
      return diagnostics;
    },

    get unknownEvents() {
      return unknownEvents;
    },
  };

  function withBuilt(error: unknown): unknown {
    if (error instanceof ChunkwiseError && error.partial === undefined && events > 0) error.partial = build(false);
    return error;
  }

  function truncation(terminated: boolean): string {
    if (events === 0) return terminated ? 'The stream sent [DONE] before any event' : 'The stream ended before any event arrived';
    const open = items.filter((item) => !item.done).map((item) => item.index);
    const counted = `${events} event${events === 1 ? '' : 's'} arrived`;
    const which = open.length === 0 ? '' : `; output item${open.length === 1 ? '' : 's'} ${open.join(', ')} still in progress`;
    return `The stream ended${terminated ? ' with [DONE]' : ''} without a terminal event (response.completed, response.incomplete or response.failed): ${counted}${which}`;
  }
}

type Position = { line?: number; event?: number };

function emitLogprobs(tokens: readonly TokenLogprob[], part: PartState, sink: ResponsesEventSink): void {
  const length = part.logprobs?.length ?? 0;
  for (let i = 0; i < tokens.length; i++) {
    sink.emit({ type: 'logprobs.token', choice: 0, snapshot: sink.snapshot, kind: 'content', token: tokens[i]!, position: length - tokens.length + i });
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A text delta (`output_text`, `refusal`, reasoning): a string, or none (null, absent); anything else is a ParseError naming it. */
function textDelta(event: ResponseStreamEvent, position: Position): string {
  const delta = event.delta;
  if (typeof delta === 'string') return delta;
  if (delta === undefined || delta === null) return '';
  throw new ParseError(`${event.type}.delta must be a string, got ${describeValue(delta)}`, { ...position, excerpt: excerptOf(safeJson(event)) });
}

function stringOf(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** A bounded JSON excerpt of an event for a message: events may be megabytes long and nest thousands of levels. */
function safeJson(value: unknown): string {
  return jsonExcerpt(value, 200);
}

function indexOf(event: ResponseStreamEvent, key: 'output_index' | 'content_index' | 'summary_index', position: Position): number {
  const value = event[key];
  if (value === undefined && key !== 'output_index') return 0;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new ParseError(`${event.type}.${key} must be a non-negative integer, got ${describeValue(value)}`, { ...position, excerpt: excerptOf(safeJson(event)) });
  }
  if (value > MAX_INDEX) throw indexLimitError(`${event.type}.${key}`, value, position, MAX_INDEX);
  return value;
}

function objectField(event: ResponseStreamEvent, key: 'item' | 'part', position: Position): ResponseItem {
  const value = event[key];
  if (!isObject(value)) throw new ParseError(`${event.type}.${key} must be an object, got ${safeJson(value)}`, { ...position, excerpt: excerptOf(safeJson(event)) });
  return value as ResponseItem;
}

function copy(response: Response): Response {
  const out = {} as Response;
  for (const key in response) setOwnField(out, key, response[key]);
  return out;
}

/** An `error` event (`{type: "error", code, message, param}`; some servers nest them under `error`). */
function errorEventOf(event: ResponseStreamEvent, position: Position): ProviderError {
  const inner = isObject(event.error) ? event.error : event;
  const message = typeof inner.message === 'string' ? inner.message : 'The server sent an error event';
  const code = inner.code;
  const errorType = inner.type !== 'error' && typeof inner.type === 'string' ? inner.type : undefined;
  return new ProviderError({
    message,
    payload: event,
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
    ...(errorType !== undefined ? { type: errorType } : {}),
    ...(typeof inner.param === 'string' ? { param: inner.param } : {}),
    ...position,
  });
}

/** `response.failed`: the response's `error` as a ProviderError; its partial is the failed response. */
function failedError(terminal: Response, event: ResponseStreamEvent, position: Position): ProviderError {
  const error = isObject(terminal.error) ? terminal.error : {};
  const code = error.code;
  return new ProviderError({
    message: typeof error.message === 'string' ? error.message : 'The response failed (response.failed)',
    type: 'response.failed',
    payload: event,
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
    ...position,
  });
}

/** The Responses usage (`input_tokens`, `output_tokens`) under the chat-completions names too, for the `usage` event. */
function usageOf(usage: unknown): UsageInfo | undefined {
  if (!isObject(usage)) return undefined;
  const input = usage.input_tokens;
  const output = usage.output_tokens;
  const total = usage.total_tokens;
  return {
    ...usage,
    prompt_tokens: typeof input === 'number' ? input : 0,
    completion_tokens: typeof output === 'number' ? output : 0,
    total_tokens: typeof total === 'number' ? total : (typeof input === 'number' ? input : 0) + (typeof output === 'number' ? output : 0),
  };
}

/**
 * The chat-completions finish reason of a final response, so UI code reads one vocabulary:
 * `incomplete` for `max_output_tokens` is `length`, `content_filter` stays, other reasons as sent;
 * `completed` with a tool call in the output is `tool_calls`, else `stop`.
 */
function finishReasonOf(response: Response): string | null {
  if (response.status === 'incomplete') {
    const reason = isObject(response.incomplete_details) ? response.incomplete_details.reason : undefined;
    if (reason === 'max_output_tokens') return 'length';
    return typeof reason === 'string' ? reason : 'incomplete';
  }
  if (response.status === 'failed') return 'error';
  const output = Array.isArray(response.output) ? response.output : [];
  return output.some((item) => isObject(item) && argumentsFieldOf(String(item.type)) !== undefined) ? 'tool_calls' : 'stop';
}
