/**
 * Type checks for the fields of an Ollama line. Each returns the value, or `undefined` for a
 * field that is absent or `null` ("not sent"), or throws a ParseError naming the JSON path and
 * what was found there: `message.tool_calls[0].function.name must be a string, got nothing`.
 */
import { describeValue } from '../../assembly/describe-value.js';
import { ParseError } from '../../errors.js';
import type { OllamaLogprob, OllamaToolCall } from './types.js';

export interface LinePosition {
  line?: number;
  event?: number;
}

export function optionalString(v: unknown, path: string, position: LinePosition | undefined): string | undefined {
  if (typeof v === 'string') return v;
  if (v === undefined || v === null) return undefined;
  throw fieldError(path, 'a string', v, position);
}

export function optionalArray(v: unknown, path: string, position: LinePosition | undefined): unknown[] | undefined {
  if (Array.isArray(v)) return v;
  if (v === undefined || v === null) return undefined;
  throw fieldError(path, 'an array', v, position);
}

export function optionalToolCalls(v: unknown, path: string, position: LinePosition | undefined): OllamaToolCall[] | undefined {
  const calls = optionalArray(v, path, position);
  if (calls === undefined) return undefined;
  for (let i = 0; i < calls.length; i++) {
    const call = calls[i];
    const at = `${path}[${i}]`;
    if (!isObject(call)) throw fieldError(at, 'an object', call, position);
    const { id, function: fn } = call as Record<string, unknown>;
    if (id !== undefined && id !== null && typeof id !== 'string') throw fieldError(`${at}.id`, 'a string', id, position);
    if (!isObject(fn)) throw fieldError(`${at}.function`, 'an object', fn, position);
    const { name, arguments: args, index } = fn as Record<string, unknown>;
    if (typeof name !== 'string') throw fieldError(`${at}.function.name`, 'a string', name, position);
    if (!isObject(args)) throw fieldError(`${at}.function.arguments`, 'an object', args, position);
    if (index !== undefined && index !== null && typeof index !== 'number') throw fieldError(`${at}.function.index`, 'a number', index, position);
  }
  return calls as OllamaToolCall[];
}

export function optionalLogprobs(v: unknown, path: string, position: LinePosition | undefined): OllamaLogprob[] | undefined {
  const entries = optionalArray(v, path, position);
  if (entries === undefined) return undefined;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    if (!isObject(entry)) throw fieldError(`${path}[${i}]`, 'an object', entry, position);
    const { token, logprob } = entry as Record<string, unknown>;
    if (typeof token !== 'string') throw fieldError(`${path}[${i}].token`, 'a string', token, position);
    if (typeof logprob !== 'number') throw fieldError(`${path}[${i}].logprob`, 'a number', logprob, position);
  }
  return entries as OllamaLogprob[];
}

export function isObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function fieldError(path: string, expected: string, got: unknown, position: LinePosition | undefined): ParseError {
  const what = path === '' ? 'An Ollama line' : path;
  return new ParseError(`${what} must be ${expected}, got ${describeValue(got)}`, position ? { ...position } : {});
}

/** `nothing`, `null`, `an array`, `a string ("x")`, `a number (3)`… for error messages. */
