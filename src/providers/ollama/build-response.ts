/**
 * Builds the response object from the state, in the shape and key order of Ollama's own
 * `"stream": false` reply (Go writes struct fields in declaration order and omits empty ones):
 * - chat: model, created_at, message {role, content, thinking, images, tool_calls, …},
 *   done and done_reason, logprobs, total_duration … eval_duration;
 * - generate: model, created_at, response, thinking, done and done_reason, context,
 *   total_duration … eval_duration, tool_calls, logprobs;
 * then the fields chunkwise does not know, in the order they first arrived. `done` and
 * `done_reason` come in the order of the final line: older servers send `done_reason` first.
 *
 * O(1) in the length of the text (strings are shared) and of the lists: a snapshot holds the
 * shared tool-call list through a prefix property; the final object gets an array. Logprobs are
 * built from their compact store on first read, in snapshots and the final object alike.
 */
import { definePrefixProperty } from '../../assembly/lazy-prefix.js';
import { defineLogprobList } from '../../assembly/logprob-store.js';
import { setOwnField } from '../../assembly/own-field.js';
import { METRIC_KEYS } from './read-line.js';
import type { OllamaState } from './state.js';
import type { OllamaChatResponse, OllamaGenerateResponse, OllamaResponse } from './types.js';

/**
 * The response so far. `final` gives plain array copies instead of prefix properties (the
 * final object is built once, and prints plainly in a debugger).
 */
export function buildOllamaResponse(s: OllamaState, final: boolean): OllamaResponse {
  return s.endpoint === 'generate' ? buildGenerate(s, final) : buildChat(s, final);
}

function buildChat(s: OllamaState, final: boolean): OllamaChatResponse {
  const r: Record<string, unknown> = {};
  if (s.model !== undefined) r.model = s.model;
  if (s.createdAt !== undefined) r.created_at = s.createdAt;
  const message: Record<string, unknown> = { role: s.role ?? 'assistant', content: s.text };
  if (s.thinking !== '') message.thinking = s.thinking;
  if (s.images !== undefined) message.images = s.images;
  if (s.toolCalls.length > 0) addList(message, 'tool_calls', s.toolCalls, final);
  if (s.messageFields !== undefined) addFields(message, s.messageFields);
  r.message = message;
  addDone(r, s);
  if (s.sawLogprobs) defineLogprobList(r, 'logprobs', s.logprobs, final);
  addMetrics(r, s.metrics);
  if (s.fields !== undefined) addFields(r, s.fields);
  return r as unknown as OllamaChatResponse;
}

function buildGenerate(s: OllamaState, final: boolean): OllamaGenerateResponse {
  const r: Record<string, unknown> = {};
  if (s.model !== undefined) r.model = s.model;
  if (s.createdAt !== undefined) r.created_at = s.createdAt;
  r.response = s.text;
  if (s.thinking !== '') r.thinking = s.thinking;
  addDone(r, s);
  if (s.context !== undefined) r.context = s.context;
  addMetrics(r, s.metrics);
  if (s.toolCalls.length > 0) addList(r, 'tool_calls', s.toolCalls, final);
  if (s.sawLogprobs) defineLogprobList(r, 'logprobs', s.logprobs, final);
  if (s.fields !== undefined) addFields(r, s.fields);
  return r as unknown as OllamaGenerateResponse;
}

/** `done` and `done_reason` in the order the line that brought `done_reason` had them. */
function addDone(target: Record<string, unknown>, s: OllamaState): void {
  if (s.doneReason !== undefined && s.doneReasonFirst) target.done_reason = s.doneReason;
  target.done = s.done;
  if (s.doneReason !== undefined && !s.doneReasonFirst) target.done_reason = s.doneReason;
}

function addList(target: Record<string, unknown>, key: string, list: readonly unknown[], final: boolean): void {
  if (final) target[key] = list.slice();
  else definePrefixProperty(target, key, list, list.length);
}

function addMetrics(target: Record<string, unknown>, metrics: Record<string, number>): void {
  for (const key of METRIC_KEYS) {
    const value = metrics[key];
    if (value !== undefined) target[key] = value;
  }
}

function addFields(target: Record<string, unknown>, fields: Record<string, unknown>): void {
  for (const key in fields) setOwnField(target, key, fields[key]);
}
