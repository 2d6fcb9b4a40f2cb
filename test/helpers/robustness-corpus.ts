/**
 * The robustness suite's corpus and its judges: every recorded body (the project's
 * `recordings/` and the real bodies in `test/fixtures/reference-streams/`), the outcome of assembling it (a final
 * object or a ChunkwiseError, nothing else), and the properties a partial object must have
 * relative to the full one.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { ChunkwiseError } from '../../src/errors.js';

export const RECORDINGS_DIR = join(__dirname, '../../recordings');
export const REFERENCE_DIR = join(__dirname, '../fixtures/reference-streams');

export type ExpectedResult =
  /** recordings/: the whole final object, key order included. */
  | { kind: 'final'; value: any }
  /** recordings/: a failing stream, `{ error, partial }`. */
  | { kind: 'failure'; error: Record<string, unknown>; partial: any }
  /** reference-streams/: what openai-python asserts, a subset of the final object. */
  | { kind: 'subset'; value: any };

export interface Recording {
  /** `recordings/openai-text.sse`, `reference/ollama-chat-gemma3-plain.ndjson`. */
  name: string;
  path: string;
  body: Uint8Array;
  transport: 'sse' | 'ndjson';
  expected: ExpectedResult | undefined;
}

function load(dir: string, label: string, kind: 'recordings' | 'reference'): Recording[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => /\.(sse|ndjson)$/.test(file))
    .sort()
    .map((file) => {
      const path = join(dir, file);
      const expectedPath = join(dir, file.replace(/\.(sse|ndjson)$/, '.expected.json'));
      let expected: ExpectedResult | undefined;
      if (existsSync(expectedPath)) {
        const value = JSON.parse(readFileSync(expectedPath, 'utf8'));
        if (kind === 'reference') expected = { kind: 'subset', value };
        else if (isObject(value) && 'error' in value && 'partial' in value && !('choices' in value) && !('model' in value)) {
          expected = { kind: 'failure', error: value.error as Record<string, unknown>, partial: value.partial };
        } else expected = { kind: 'final', value };
      }
      return {
        name: `${label}/${file}`,
        path,
        body: new Uint8Array(readFileSync(path)),
        transport: file.endsWith('.sse') ? 'sse' : 'ndjson',
        expected,
      } satisfies Recording;
    });
}

/** Every recording of both folders, sorted by name (reference-streams: test/fixtures/reference-streams). */
export function loadCorpus(): Recording[] {
  return [...load(RECORDINGS_DIR, 'recordings', 'recordings'), ...load(REFERENCE_DIR, 'reference', 'reference')];
}

// ---- outcomes ------------------------------------------------------------------------------

export type Outcome = { ok: true; value: any } | { ok: false; error: ChunkwiseError };

/**
 * Runs `attempt` and classifies the result. Anything thrown that is not a ChunkwiseError (a raw
 * TypeError, RangeError, SyntaxError…) breaks the library's promise: it is rethrown as a test
 * failure that names the leaked type.
 */
export async function outcomeOf(attempt: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: true, value: await attempt() };
  } catch (error) {
    return { ok: false, error: asChunkwiseError(error) };
  }
}

/** Returns the error when it is a ChunkwiseError with a message; throws a descriptive failure otherwise. */
export function asChunkwiseError(error: unknown): ChunkwiseError {
  if (!(error instanceof ChunkwiseError)) {
    const name = error instanceof Error ? error.constructor.name : typeof error;
    const failure = new Error(`a raw ${name} escaped instead of a ChunkwiseError: ${error instanceof Error ? error.message : String(error)}`);
    (failure as { cause?: unknown }).cause = error;
    throw failure;
  }
  if (typeof error.message !== 'string' || error.message.trim() === '') throw new Error(`a ${error.name} (code ${error.code}) has an empty message`);
  return error;
}

/** The ChunkwiseError a promise fails with; a result, or another error type, fails the test. */
export async function failure(promise: Promise<unknown>): Promise<ChunkwiseError> {
  try {
    await promise;
  } catch (error) {
    return asChunkwiseError(error);
  }
  throw new Error('expected a failure, got a result');
}

/** What must be identical between two runs over the same bytes, whatever the cuts. */
export function comparable(outcome: Outcome): unknown {
  if (outcome.ok) return { ok: true, json: JSON.stringify(outcome.value), value: outcome.value };
  const e = outcome.error as ChunkwiseError & Record<string, unknown>;
  return {
    ok: false,
    name: e.name,
    code: e.code,
    message: e.message,
    providerMessage: e.providerMessage,
    status: e.status,
    line: e.line,
    event: e.event,
    offset: e.offset,
    partial: e.partial === undefined ? undefined : JSON.stringify(e.partial),
  };
}

export function summarize(outcome: Outcome): string {
  return outcome.ok ? 'ok' : `${outcome.error.name}(${outcome.error.code}): ${outcome.error.message.slice(0, 160)}`;
}

// ---- prefix properties ----------------------------------------------------------------------

/**
 * Why `partial` is not an earlier state of `full`, as a list of JSON paths with the reason
 * (empty when it is one):
 * - a string is a prefix of the full string (`null` / absent = not sent yet);
 * - numbers and booleans are equal, except fields that change on every line (`created_at`)
 *   or flip at the end (`done`);
 * - arrays are prefixes; choices are matched by `index`;
 * - every logprob token that arrived is complete: equal to the full token, top_logprobs included;
 * - a tool call whose arguments are complete JSON in the partial is the finished call: same
 *   name, same id, same arguments;
 * - the partial has no field the full object lacks (except `null`).
 */
export function prefixViolations(partial: unknown, full: unknown, path = '$'): string[] {
  const out: string[] = [];
  walk(partial, full, path, out, undefined);
  return out;
}

const EVOLVING = new Set(['created_at', 'done']);

function walk(p: unknown, f: unknown, path: string, out: string[], key: string | undefined): void {
  if (p === undefined || p === null) return;
  if (typeof p === 'string') {
    if (typeof f !== 'string') out.push(`${path}: partial has a string, full has ${describeValue(f)}`);
    else if (!f.startsWith(p) && !(key !== undefined && EVOLVING.has(key))) out.push(`${path}: ${JSON.stringify(clip(p))} is not a prefix of ${JSON.stringify(clip(f))}`);
    return;
  }
  if (typeof p !== 'object') {
    if (p !== f && !(key !== undefined && EVOLVING.has(key))) out.push(`${path}: ${JSON.stringify(p)} ≠ ${JSON.stringify(f)}`);
    return;
  }
  if (Array.isArray(p)) {
    if (!Array.isArray(f)) {
      out.push(`${path}: partial has an array, full has ${describeValue(f)}`);
      return;
    }
    if (p.length > f.length) out.push(`${path}: partial has ${p.length} items, full only ${f.length}`);
    const byIndex = key === 'choices' && p.every((c) => isObject(c) && typeof c.index === 'number');
    const whole = key === 'content' || key === 'refusal' || key === 'logprobs' || key === 'top_logprobs' || key === 'context';
    for (let i = 0; i < p.length; i++) {
      const match = byIndex ? f.find((c) => isObject(c) && c.index === (p[i] as { index: number }).index) : f[i];
      if (match === undefined) {
        out.push(`${path}[${i}]: has no counterpart in the full object`);
        continue;
      }
      if (whole && isObject(p[i]) && ('token' in (p[i] as object) || 'logprob' in (p[i] as object))) {
        if (!isDeepStrictEqual(p[i], match)) out.push(`${path}[${i}]: logprob token ${JSON.stringify(p[i])} ≠ ${JSON.stringify(match)}`);
        continue;
      }
      if (key === 'context') {
        if (p[i] !== match) out.push(`${path}[${i}]: ${p[i]} ≠ ${match}`);
        continue;
      }
      walk(p[i], match, `${path}[${i}]`, out, undefined);
    }
    return;
  }
  if (!isObject(f)) {
    out.push(`${path}: partial has an object, full has ${describeValue(f)}`);
    return;
  }
  const po = p as Record<string, unknown>;
  const fo = f;
  for (const k of Object.keys(po)) {
    if (!(k in fo)) {
      if (po[k] !== null) out.push(`${path}.${k}: only in the partial (${JSON.stringify(clip(JSON.stringify(po[k]) ?? ''))})`);
      continue;
    }
    walk(po[k], fo[k], `${path}.${k}`, out, k);
  }
  // A tool call (OpenAI `function: {name, arguments: string}`) whose arguments already parse.
  const fn = po.function ?? (key === 'function_call' ? po : undefined);
  if (isObject(fn) && typeof fn.arguments === 'string' && fn.arguments.trim() !== '') {
    const args = tryParse(fn.arguments);
    const ffn = (fo.function ?? (key === 'function_call' ? fo : undefined)) as Record<string, unknown> | undefined;
    if (args.ok && isObject(args.value) && ffn) {
      const fullArgs = tryParse(String(ffn.arguments));
      if (!fullArgs.ok || !isDeepStrictEqual(args.value, fullArgs.value)) out.push(`${path}: complete arguments ${clip(fn.arguments)} ≠ full ${clip(String(ffn.arguments))}`);
      if (fn.name !== ffn.name) out.push(`${path}: a call with complete arguments has name ${JSON.stringify(fn.name)}, full ${JSON.stringify(ffn.name)}`);
      if (po.id !== undefined && po.id !== fo.id) out.push(`${path}: a call with complete arguments has id ${JSON.stringify(po.id)}, full ${JSON.stringify(fo.id)}`);
    }
  }
}

/** The success of a cut body may only lack what comes after every choice finished (the usage chunk). */
export function withoutLateFields(value: any): any {
  if (!isObject(value)) return value;
  const { usage: _usage, ...rest } = value;
  if (isObject(rest.x_groq)) {
    const { usage: _groqUsage, ...groq } = rest.x_groq;
    rest.x_groq = groq;
  }
  return rest;
}

function tryParse(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v} (${JSON.stringify(v)})`;
}

export function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---- deterministic randomness ---------------------------------------------------------------

export { seededRandom } from './seeded-random.js';
