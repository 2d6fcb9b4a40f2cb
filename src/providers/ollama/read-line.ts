/**
 * Reads one NDJSON line of Ollama's `/api/chat` or `/api/generate` into a reusable record,
 * checking every field chunkwise relies on, without touching the assembler's state: the
 * assembler commits the record only once the whole line passed.
 *
 * Hot path: the fields every line has are read by name (inline-cached loads; a `switch` over
 * a `for…in` costs several string compares per key) and counted; a `for…in` that only counts
 * keys then says whether the line has more. Only then are the other known fields read, and
 * what is still left over is a field chunkwise does not know (collected by the assembler).
 * No allocation. `null` counts as "not sent" for every optional field.
 */
import { countKeys } from '../../assembly/count-keys.js';
import { ParseError } from '../../errors.js';
import { fieldError, isObject, optionalArray, optionalLogprobs, optionalString, optionalToolCalls, type LinePosition } from './field-checks.js';
import type { OllamaLogprob, OllamaToolCall } from './types.js';

export type { LinePosition } from './field-checks.js';

/** What one line carried, field by field; `undefined` = not sent (or `null`). */
export interface LineRecord {
  /** The payload was `{"error": …}`. */
  error: boolean;
  /** The line has a `message` (an `/api/chat` line) / a `response` (an `/api/generate` line). */
  chat: boolean;
  generate: boolean;
  model: string | undefined;
  createdAt: string | undefined;
  role: string | undefined;
  content: string | undefined;
  /** `message.thinking` (chat). */
  thinking: string | undefined;
  images: unknown[] | undefined;
  toolCalls: OllamaToolCall[] | undefined;
  message: Record<string, unknown> | undefined;
  /** `message` has fields not listed above. */
  otherMessageFields: boolean;
  response: string | undefined;
  /** Top-level `thinking` / `tool_calls`: generate's fields; unknown fields on a chat line. */
  topThinking: string | undefined;
  topToolCalls: OllamaToolCall[] | undefined;
  done: boolean;
  doneReason: string | undefined;
  /** `done_reason` came before `done` on the line (older servers; newer ones send `done` first). */
  doneReasonFirst: boolean;
  context: number[] | undefined;
  logprobs: OllamaLogprob[] | undefined;
  /** Some duration or count field is set (the assembler copies them from the line). */
  metrics: boolean;
  /** The line has top-level fields not listed above. */
  otherFields: boolean;
}

export function createLineRecord(): LineRecord {
  return {
    error: false, chat: false, generate: false, model: undefined, createdAt: undefined, role: undefined,
    content: undefined, thinking: undefined, images: undefined, toolCalls: undefined, message: undefined,
    otherMessageFields: false, response: undefined, topThinking: undefined, topToolCalls: undefined, done: false,
    doneReason: undefined, doneReasonFirst: false, context: undefined, logprobs: undefined, metrics: false, otherFields: false,
  };
}

/** The metric fields, in the order Ollama writes them. */
export const METRIC_KEYS = ['total_duration', 'load_duration', 'prompt_eval_count', 'prompt_eval_duration', 'eval_count', 'eval_duration'] as const;

/**
 * Fills `out` from `payload`, or throws a ParseError naming the offending field's JSON path.
 * An error payload only sets `out.error` (the caller builds the ProviderError).
 */
export function readLine(payload: unknown, out: LineRecord, position: LinePosition | undefined): void {
  if (!isObject(payload)) throw fieldError('', 'a JSON object', payload, position);
  const p = payload as Record<string, unknown>;
  const error = p.error;
  out.error = error !== undefined && error !== null;
  if (out.error) return;
  const done = p.done;
  if (typeof done !== 'boolean') throw fieldError('done', 'a boolean', done, position);
  out.done = done;
  // The fields of every line first; the others only when the line has more keys.
  const model = p.model;
  const createdAt = p.created_at;
  const response = p.response;
  const message = p.message;
  let known = error === undefined ? 1 : 2;
  if (model !== undefined) known++;
  if (createdAt !== undefined) known++;
  if (response !== undefined) known++;
  if (message !== undefined) known++;
  out.model = optionalString(model, 'model', position);
  out.createdAt = optionalString(createdAt, 'created_at', position);
  out.response = optionalString(response, 'response', position);
  out.generate = out.response !== undefined;
  out.chat = message !== undefined && message !== null;
  if (out.chat) {
    if (!isObject(message)) throw fieldError('message', 'an object', message, position);
    if (out.generate) throw new ParseError('An Ollama line has both `message` (/api/chat) and `response` (/api/generate)', position ? { ...position } : {});
    out.message = message as Record<string, unknown>;
    readMessage(out.message, out, position);
  } else {
    out.message = out.role = out.content = out.thinking = out.images = out.toolCalls = undefined;
    out.otherMessageFields = false;
  }
  const keys = countKeys(p);
  if (keys === known) {
    out.topThinking = out.doneReason = out.context = out.topToolCalls = out.logprobs = undefined;
    out.metrics = out.otherFields = false;
    return;
  }
  readOtherFields(p, out, position);
  for (const key of OTHER_KEYS) if (p[key] !== undefined) known++;
  out.otherFields = keys !== known;
}

/** The top-level fields that only some lines have. */
const OTHER_KEYS = ['thinking', 'done_reason', 'context', 'tool_calls', 'logprobs', ...METRIC_KEYS] as const;

function readOtherFields(p: Record<string, unknown>, out: LineRecord, position: LinePosition | undefined): void {
  out.topThinking = optionalString(p.thinking, 'thinking', position);
  out.doneReason = optionalString(p.done_reason, 'done_reason', position);
  if (out.doneReason !== undefined) out.doneReasonFirst = comesFirst(p, 'done_reason', 'done');
  out.context = optionalArray(p.context, 'context', position) as number[] | undefined;
  out.topToolCalls = optionalToolCalls(p.tool_calls, 'tool_calls', position);
  out.logprobs = optionalLogprobs(p.logprobs, 'logprobs', position);
  let metrics = false;
  for (const key of METRIC_KEYS) {
    const value = p[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'number') throw fieldError(key, 'a number', value, position);
    metrics = true;
  }
  out.metrics = metrics;
}

function readMessage(m: Record<string, unknown>, out: LineRecord, position: LinePosition | undefined): void {
  const role = m.role;
  const content = m.content;
  out.role = optionalString(role, 'message.role', position);
  out.content = optionalString(content, 'message.content', position);
  let known = 0;
  if (role !== undefined) known++;
  if (content !== undefined) known++;
  const keys = countKeys(m);
  if (keys === known) {
    out.thinking = out.images = out.toolCalls = undefined;
    out.otherMessageFields = false;
    return;
  }
  out.thinking = optionalString(m.thinking, 'message.thinking', position);
  out.images = optionalArray(m.images, 'message.images', position);
  out.toolCalls = optionalToolCalls(m.tool_calls, 'message.tool_calls', position);
  for (const key of OTHER_MESSAGE_KEYS) if (m[key] !== undefined) known++;
  out.otherMessageFields = keys !== known;
}

const OTHER_MESSAGE_KEYS = ['thinking', 'images', 'tool_calls'] as const;

/** Whether key `a` comes before key `b` in `o` (JSON objects keep their text's key order). */
function comesFirst(o: Record<string, unknown>, a: string, b: string): boolean {
  for (const key in o) {
    if (key === a) return true;
    if (key === b) return false;
  }
  return false;
}

