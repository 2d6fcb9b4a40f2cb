/**
 * Checks that a decoded payload is a chat-completions chunk before the assembler touches its
 * state, so a bad chunk leaves the state as it was. Lenient where servers differ, strict only
 * where a value cannot be read:
 * - `choices` absent or `null` counts as `[]` (usage-only chunks of some servers);
 * - a choice without `index` takes its position in `choices`;
 * - `delta` absent or `null` counts as `{}` (Azure's content-filter chunks have none);
 * - `null` anywhere means "not sent";
 * - everything else of the wrong type (`choices: "x"`, `delta: 3`, `content: {}`) is a
 *   ParseError naming the JSON path: `choices[0].delta must be an object, got a string`.
 * - `delta.content` may be an array of parts (merge rule 2);
 * - a choice without `delta` is checked by its chunk-level `message`, which then stands for it
 *   (merge rule 5);
 * - an `index` above MAX_INDEX is a LimitError (assembly/index-limit.ts).
 * Provider error payloads (`{"error": …}`, `{"object": "error", …}`) become a ProviderError;
 * an `error` on a chunk that carries choices is left to the assembler, which applies the chunk
 * first (merge rule 3: the partial response keeps that chunk's usage).
 */
import { describeValue } from '../../assembly/describe-value.js';
import { MAX_INDEX, indexLimitError } from '../../assembly/index-limit.js';
import { ParseError } from '../../errors.js';
import { providerErrorFrom } from '../../transports/provider-error.js';
import type { ChatCompletionChunk } from './types.js';

export interface ChunkPosition {
  line?: number;
  event?: number;
}

/**
 * Throws a ProviderError for an error payload, or a ParseError naming the first field that has
 * a type no server could mean; otherwise the payload is a chunk.
 *
 * @example
 * ```ts
 * const payload: unknown = JSON.parse(message.data);
 * assertChatCompletionChunk(payload, { event: message.number });
 * payload.choices; // typed
 * ```
 */
export function assertChatCompletionChunk(payload: unknown, position?: ChunkPosition): asserts payload is ChatCompletionChunk {
  if (!isObject(payload)) fail('The chunk', { path: '', expected: 'a JSON object', value: payload }, position);
  const p = payload as Record<string, unknown>;
  const choices = p.choices;
  if (((p.error !== undefined && p.error !== null) || p.object === 'error') && !(Array.isArray(choices) && choices.length > 0)) {
    const error = providerErrorFrom(payload, position);
    if (error) throw error;
  }
  if (choices !== undefined && choices !== null) {
    if (!Array.isArray(choices)) fail('choices', { path: '', expected: 'an array', value: choices }, position);
    for (let i = 0; i < choices.length; i++) {
      const problem = choiceProblem(choices[i]);
      if (problem !== undefined) fail(`choices[${i}]`, problem, position);
    }
  }
  if (notObject(p.usage)) fail('usage', { path: '', expected: 'an object', value: p.usage }, position);
  if (notObject(p.x_groq)) fail('x_groq', { path: '', expected: 'an object', value: p.x_groq }, position);
}

/** What is wrong, relative to the object checked; built only when something is (hot path). */
interface Problem {
  path: string;
  expected: string;
  value: unknown;
}

function choiceProblem(choice: unknown): Problem | undefined {
  if (!isObject(choice)) return { path: '', expected: 'an object', value: choice };
  const c = choice as Record<string, unknown>;
  const index = c.index;
  if (index !== undefined && index !== null && !isSmallIndex(index)) return { path: '.index', expected: INDEX, value: index };
  if (notString(c.finish_reason)) return { path: '.finish_reason', expected: 'a string', value: c.finish_reason };
  const logprobs = c.logprobs;
  if (logprobs !== undefined && logprobs !== null) {
    if (!isObject(logprobs)) return { path: '.logprobs', expected: 'an object', value: logprobs };
    const l = logprobs as Record<string, unknown>;
    const problem = tokenListProblem(l.content, '.logprobs.content') ?? tokenListProblem(l.refusal, '.logprobs.refusal');
    if (problem !== undefined) return problem;
  }
  const delta = c.delta;
  if (delta !== undefined && delta !== null) return deltaProblem(delta, '.delta');
  const message = c.message;
  return message !== undefined && message !== null && isObject(message) ? deltaProblem(message, '.message') : undefined;
}

function deltaProblem(delta: unknown, at: string): Problem | undefined {
  if (!isObject(delta)) return { path: at, expected: 'an object', value: delta };
  const d = delta as Record<string, unknown>;
  if (notString(d.role)) return { path: `${at}.role`, expected: 'a string', value: d.role };
  const content = d.content;
  if (notString(content) && !(Array.isArray(content) && content.every(isPart))) return { path: `${at}.content`, expected: 'a string or an array of parts', value: content };
  if (notString(d.refusal)) return { path: `${at}.refusal`, expected: 'a string', value: d.refusal };
  const calls = d.tool_calls;
  if (calls !== undefined && calls !== null) {
    if (!Array.isArray(calls)) return { path: `${at}.tool_calls`, expected: 'an array', value: calls };
    for (let j = 0; j < calls.length; j++) {
      const problem = toolCallProblem(calls[j]);
      if (problem !== undefined) return { ...problem, path: `${at}.tool_calls[${j}]${problem.path}` };
    }
  }
  const fn = d.function_call;
  if (fn === undefined || fn === null) return undefined;
  const problem = functionProblem(fn);
  return problem && { ...problem, path: `${at}.function_call${problem.path}` };
}

function toolCallProblem(call: unknown): Problem | undefined {
  if (!isObject(call)) return { path: '', expected: 'an object', value: call };
  const t = call as Record<string, unknown>;
  if (t.index !== undefined && t.index !== null && !isSmallIndex(t.index)) return { path: '.index', expected: INDEX, value: t.index };
  if (notString(t.id)) return { path: '.id', expected: 'a string', value: t.id };
  if (notString(t.type)) return { path: '.type', expected: 'a string', value: t.type };
  if (t.function === undefined || t.function === null) return undefined;
  const problem = functionProblem(t.function);
  return problem && { ...problem, path: `.function${problem.path}` };
}

/** `arguments` of another type than string is taken as its JSON text (see tool-calls.ts). */
function functionProblem(fn: unknown): Problem | undefined {
  if (!isObject(fn)) return { path: '', expected: 'an object', value: fn };
  const name = (fn as Record<string, unknown>).name;
  return notString(name) ? { path: '.name', expected: 'a string', value: name } : undefined;
}

function tokenListProblem(list: unknown, path: string): Problem | undefined {
  if (list === undefined || list === null) return undefined;
  if (!Array.isArray(list)) return { path, expected: 'an array', value: list };
  for (let i = 0; i < list.length; i++) if (!isObject(list[i])) return { path: `${path}[${i}]`, expected: 'an object', value: list[i] };
  return undefined;
}

const INDEX = 'a non-negative integer';

function notString(value: unknown): boolean {
  return value !== undefined && value !== null && typeof value !== 'string';
}

function notObject(value: unknown): boolean {
  return value !== undefined && value !== null && !isObject(value);
}

/** A content part: an object with a string `type` (or a string, taken as a text part). */
function isPart(value: unknown): boolean {
  return typeof value === 'string' || (isObject(value) && typeof (value as Record<string, unknown>).type === 'string');
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isIndex(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

/** A valid index within the limit. */
function isSmallIndex(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_INDEX;
}

function fail(at: string, problem: Problem, position: ChunkPosition | undefined): never {
  if (problem.expected === INDEX && isIndex(problem.value)) throw indexLimitError(`${at}${problem.path}`, problem.value as number, position);
  throw new ParseError(`${at}${problem.path} must be ${problem.expected}, got ${describeValue(problem.value)}`, position ? { ...position } : {});
}
