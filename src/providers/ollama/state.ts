/**
 * The reducer behind the Ollama assembler: what a stream has said so far, and how one checked
 * line (a LineRecord) changes it. The rules, for `/api/chat` and `/api/generate` alike:
 * - `content` / `response` and `thinking` fragments are concatenated (as Ollama itself does
 *   when it answers `"stream": false`);
 * - tool calls and logprob entries are appended in order, to lists that only grow, so that
 *   snapshots can share them (see lazy-prefix.ts and logprob-store.ts);
 * - every other field, known or not, top-level or in `message`, keeps its last non-null value,
 *   and `""` never replaces a value already known (merge rule 10: a last line with `role: ""`
 *   leaves `"assistant"`; the same rule as for OpenAI fields, in own-field.ts);
 *   Ollama's own `"stream": false` reply takes those from the last line; the last non-null
 *   value differs only when a field came on an earlier line and not on the last one, where
 *   keeping it loses nothing.
 */
import { appendText, createTextGrowth, type TextGrowth } from '../../assembly/growing-text.js';
import { createLogprobStore, type LogprobStore } from '../../assembly/logprob-store.js';
import { replacesHeld, setOwnField } from '../../assembly/own-field.js';
import { ParseError } from '../../errors.js';
import { METRIC_KEYS, type LineRecord, type LinePosition } from './read-line.js';
import type { OllamaEndpoint, OllamaLogprob, OllamaToolCall } from './types.js';

export interface OllamaState {
  /** Unknown until a line has a `message` (chat) or a `response` (generate). */
  endpoint: OllamaEndpoint | undefined;
  model: string | undefined;
  createdAt: string | undefined;
  role: string | undefined;
  /** `message.content` (chat) or `response` (generate), concatenated. */
  text: string;
  textGrowth: TextGrowth;
  thinking: string;
  thinkingGrowth: TextGrowth;
  images: unknown[] | undefined;
  /** Shared with snapshots: only ever appended to. */
  toolCalls: OllamaToolCall[];
  /** Compact (see logprob-store.ts); the plain list is built when the response's `logprobs` is read. */
  logprobs: LogprobStore<OllamaLogprob>;
  sawLogprobs: boolean;
  doneReason: string | undefined;
  /** Key order of the line that brought `done_reason`, kept for the response's key order. */
  doneReasonFirst: boolean;
  context: number[] | undefined;
  metrics: Record<string, number>;
  /** Fields chunkwise does not know, in first-arrival order (created on first use). */
  fields: Record<string, unknown> | undefined;
  messageFields: Record<string, unknown> | undefined;
  done: boolean;
}

export function createOllamaState(): OllamaState {
  return {
    endpoint: undefined, model: undefined, createdAt: undefined, role: undefined, text: '', textGrowth: createTextGrowth(), thinking: '', thinkingGrowth: createTextGrowth(),
    images: undefined, toolCalls: [], logprobs: createLogprobStore<OllamaLogprob>(), sawLogprobs: false, doneReason: undefined, doneReasonFirst: false,
    context: undefined, metrics: {}, fields: undefined, messageFields: undefined, done: false,
  };
}

/** Top-level fields each endpoint knows; the rest are kept as they come. */
const KNOWN: Record<OllamaEndpoint, ReadonlySet<string>> = {
  chat: new Set(['model', 'created_at', 'message', 'done', 'done_reason', 'logprobs', 'error', ...METRIC_KEYS]),
  generate: new Set(['model', 'created_at', 'response', 'thinking', 'done', 'done_reason', 'context', 'tool_calls', 'logprobs', 'error', ...METRIC_KEYS]),
};
const KNOWN_IN_MESSAGE: ReadonlySet<string> = new Set(['role', 'content', 'thinking', 'images', 'tool_calls']);

/**
 * Throws a ParseError when the line belongs to the other endpoint than the stream's first
 * lines; call before {@link applyLine}, which then cannot fail.
 */
export function checkEndpoint(s: OllamaState, r: LineRecord, position: LinePosition | undefined): void {
  if ((s.endpoint === 'chat' && r.generate) || (s.endpoint === 'generate' && r.chat)) {
    const [field, other] = r.chat ? ['message', '/api/chat'] : ['response', '/api/generate'];
    throw new ParseError(`An Ollama ${s.endpoint === 'chat' ? '/api/chat' : '/api/generate'} stream has a line with \`${field}\`, a field of ${other}`, position ? { ...position } : {});
  }
}

/** Applies one checked line to the state. */
export function applyLine(s: OllamaState, r: LineRecord, line: Record<string, unknown>): void {
  if (s.endpoint === undefined) s.endpoint = r.chat ? 'chat' : r.generate ? 'generate' : undefined;
  if (r.model !== undefined) s.model = known(s.model, r.model);
  if (r.createdAt !== undefined) s.createdAt = known(s.createdAt, r.createdAt);
  let otherFields = r.otherFields;
  if (r.chat) {
    if (r.role !== undefined) s.role = known(s.role, r.role);
    if (r.content !== undefined) s.text = appendText(s.textGrowth, r.content);
    if (r.thinking !== undefined) s.thinking = appendText(s.thinkingGrowth, r.thinking);
    if (r.images !== undefined) s.images = r.images;
    if (r.toolCalls !== undefined) append(s.toolCalls, r.toolCalls);
    if (r.otherMessageFields) s.messageFields = keepOthers(s.messageFields, r.message!, KNOWN_IN_MESSAGE);
  }
  // Until a line says which endpoint this is, top-level thinking, tool_calls and context are
  // taken as /api/generate's: every /api/chat line has a `message`.
  if (s.endpoint !== 'chat') {
    if (r.response !== undefined) s.text = appendText(s.textGrowth, r.response);
    if (r.topThinking !== undefined) s.thinking = appendText(s.thinkingGrowth, r.topThinking);
    if (r.topToolCalls !== undefined) append(s.toolCalls, r.topToolCalls);
    if (r.context !== undefined) s.context = r.context;
  } else if (r.topThinking !== undefined || r.topToolCalls !== undefined || r.context !== undefined) {
    otherFields = true;
  }
  if (r.logprobs !== undefined) {
    s.sawLogprobs = true;
    for (let i = 0; i < r.logprobs.length; i++) s.logprobs.push(r.logprobs[i]!);
  }
  if (r.doneReason !== undefined && (r.doneReason !== '' || s.doneReason === undefined)) {
    s.doneReason = r.doneReason;
    s.doneReasonFirst = r.doneReasonFirst;
  }
  if (r.metrics) {
    for (const key of METRIC_KEYS) {
      const value = line[key];
      if (typeof value === 'number') s.metrics[key] = value;
    }
  }
  if (otherFields) s.fields = keepOthers(s.fields, line, KNOWN[s.endpoint ?? 'generate']);
  s.done = r.done;
}

function append<T>(list: T[], items: readonly T[]): void {
  for (let i = 0; i < items.length; i++) list.push(items[i]!);
}

/** `value`, unless it is `""` and a value is already known (rule 10). */
function known(before: string | undefined, value: string): string {
  return value === '' && before !== undefined && before !== '' ? before : value;
}

/** Copies the fields of `source` that are not `known` into `kept`: last non-null value wins (`null` kept only when nothing else came), `""` never replaces a value (own-field.ts). */
function keepOthers(kept: Record<string, unknown> | undefined, source: Record<string, unknown>, known: ReadonlySet<string>): Record<string, unknown> {
  const out = kept ?? {};
  for (const key in source) {
    if (known.has(key)) continue;
    const value = source[key];
    const held = Object.hasOwn(out, key);
    if (value === null ? !held : !held || replacesHeld(out[key], value)) setOwnField(out, key, value);
  }
  return out;
}
