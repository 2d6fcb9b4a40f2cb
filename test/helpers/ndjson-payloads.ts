/**
 * NDJSON bodies for tests: write them from objects, read the real ones from disk, cut them into
 * byte pieces, and run them through the NDJSON decoder into an assembler.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Assembler } from '../../src/assembly/assembler.js';
import { toChunkwiseError, type ChunkwiseError } from '../../src/errors.js';
import { createNdjsonDecoder } from '../../src/transports/ndjson.js';

/** The repository's `recordings/` folder. */
export const RECORDINGS_DIR = join(__dirname, '../../recordings');
/** Real recorded bodies kept in the repository (test/fixtures/reference-streams, with provenance). */
export const REFERENCE_DIR = join(__dirname, '../fixtures/reference-streams');

/** One NDJSON line per object, each ending in `\n`. */
export function ndjsonBody(...lines: object[]): string {
  return lines.map((line) => `${JSON.stringify(line)}\n`).join('');
}

export function referenceBody(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(REFERENCE_DIR, name)));
}

/** Names of the files in `dir` that start with `prefix` and end with `suffix`, sorted. */
export function listFiles(dir: string, prefix: string, suffix: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((name) => name.startsWith(prefix) && name.endsWith(suffix)).sort();
}

/** `bytes` cut at the given offsets (any order, duplicates and out-of-range offsets ignored). */
export function cutAt(bytes: Uint8Array, offsets: readonly number[]): Uint8Array[] {
  const cuts = [...new Set(offsets)].filter((n) => n > 0 && n < bytes.length).sort((a, b) => a - b);
  const pieces: Uint8Array[] = [];
  let from = 0;
  for (const to of [...cuts, bytes.length]) {
    pieces.push(bytes.slice(from, to));
    from = to;
  }
  return pieces;
}

export interface DecodedPayload {
  value: unknown;
  line: number;
}

/** Every parsed line of `body`, and the error that stopped the decoder, if one did. */
export function decodePayloads(body: string | Uint8Array | Uint8Array[]): { payloads: DecodedPayload[]; error?: ChunkwiseError } {
  const payloads: DecodedPayload[] = [];
  let error: ChunkwiseError | undefined;
  const decoder = createNdjsonDecoder({ value: (value, line) => payloads.push({ value, line }), error: (e) => (error = e) });
  for (const piece of Array.isArray(body) ? body : [body]) decoder.feed(piece);
  decoder.end();
  return error === undefined ? { payloads } : { payloads, error };
}

export type Outcome<F> = { final: F; error?: undefined } | { final?: undefined; error: ChunkwiseError };

/**
 * Feeds `body` (or its pieces) through the NDJSON decoder into `assembler` and finishes it, as
 * the pipeline does: every failure carries the partial object.
 */
export function assembleNdjson<F>(
  assembler: Assembler<unknown, unknown, F>,
  body: string | Uint8Array | Uint8Array[],
  options: { lenient?: boolean } = {},
): Outcome<F> {
  let error: ChunkwiseError | undefined;
  let pushed = false;
  const fail = (e: unknown) => {
    if (error !== undefined) return;
    error = toChunkwiseError(e);
    if (error.partial === undefined && pushed) error.partial = assembler.snapshot();
  };
  const decoder = createNdjsonDecoder({
    value(value, line) {
      if (error !== undefined) return;
      try {
        assembler.push(value, { line });
        pushed = true;
      } catch (e) {
        fail(e);
      }
    },
    error: fail,
  });
  for (const piece of Array.isArray(body) ? body : [body]) decoder.feed(piece);
  decoder.end();
  if (error !== undefined) return { error };
  try {
    return { final: assembler.finish(false, options.lenient ?? false) };
  } catch (e) {
    fail(e);
    return { error: error! };
  }
}

const line = (createdAt: string, message: object, extra: object = {}) => ({ model: 'qwen3', created_at: createdAt, message: { role: 'assistant', ...message }, done: false, ...extra });
const FINAL_METRICS = { total_duration: 885095291, load_duration: 3753500, prompt_eval_count: 122, prompt_eval_duration: 328493000, eval_count: 33, eval_duration: 552222000 };

/** The seed's get_current_weather call (Paris), as Ollama documents it for `"stream": false`. */
export const PARIS_FINAL = {
  model: 'llama3.1',
  created_at: '2024-07-22T20:33:28.123648Z',
  message: {
    role: 'assistant',
    content: '',
    tool_calls: [{ function: { name: 'get_current_weather', arguments: { format: 'celsius', location: 'Paris, FR' } } }],
  },
  done_reason: 'stop',
  done: true,
  ...FINAL_METRICS,
};

/** Small Ollama wire texts, written from the documented formats, one per rule. */
export const OLLAMA_WIRE = {
  /** The Paris call on a `done: false` line, then the final line (`done_reason` before `done`). */
  toolCallOnDoneFalseLine: ndjsonBody(
    { model: 'llama3.1', created_at: '2024-07-22T20:33:28.05567Z', message: PARIS_FINAL.message, done: false },
    { model: 'llama3.1', created_at: PARIS_FINAL.created_at, message: { role: 'assistant', content: '' }, done_reason: 'stop', done: true, ...FINAL_METRICS },
  ),
  /** Text, then two calls with `id` and `function.index` on the `done: true` line. */
  toolCallsOnFinalLine: ndjsonBody(
    line('2025-11-19T16:02:47.20Z', { content: 'Checking' }),
    line('2025-11-19T16:02:47.22Z', { content: ' both…' }),
    {
      model: 'qwen3',
      created_at: '2025-11-19T16:02:47.39Z',
      message: {
        role: 'assistant',
        content: '',
        tool_calls: [
          { id: 'call_1', function: { index: 0, name: 'get_current_weather', arguments: { location: 'Zürich, CH', format: 'celsius' } } },
          { id: 'call_2', function: { index: 1, name: 'get_time', arguments: {} } },
        ],
      },
      done: true,
      done_reason: 'stop',
      ...FINAL_METRICS,
    },
  ),
  /** `message.thinking` fragments with empty content, then content. */
  chatThinking: ndjsonBody(
    line('2025-11-20T07:41:12.00Z', { content: '', thinking: 'Seven times' }),
    line('2025-11-20T07:41:12.01Z', { content: '', thinking: ' eight.' }),
    line('2025-11-20T07:41:12.02Z', { content: '56' }),
    { model: 'qwen3', created_at: '2025-11-20T07:41:12.38Z', message: { role: 'assistant', content: '' }, done: true, done_reason: 'stop', ...FINAL_METRICS },
  ),
  /** /api/generate with top-level `thinking`, then `response`, and `context` on the final line. */
  generateThinking: ndjsonBody(
    { model: 'deepseek-r1', created_at: '2025-11-18T13:27:09.33Z', response: '', thinking: 'Plural of', done: false },
    { model: 'deepseek-r1', created_at: '2025-11-18T13:27:09.35Z', response: '', thinking: ' café?', done: false },
    { model: 'deepseek-r1', created_at: '2025-11-18T13:27:10.59Z', response: 'cafés', done: false },
    { model: 'deepseek-r1', created_at: '2025-11-18T13:27:10.62Z', response: '', done: true, done_reason: 'stop', context: [1, 2, 3], ...FINAL_METRICS },
  ),
  /** Per-line `logprobs`, one with `top_logprobs` and `bytes`, one without `bytes`. */
  chatLogprobs: ndjsonBody(
    line('2025-12-02T11:30:15.26Z', { content: 'Hi' }, { logprobs: [{ token: 'Hi', logprob: -0.0005, bytes: [72, 105], top_logprobs: [{ token: 'Hi', logprob: -0.0005, bytes: [72, 105] }, { token: 'Hey', logprob: -9.5, bytes: [72, 101, 121] }] }] }),
    line('2025-12-02T11:30:15.27Z', { content: ' 😊' }, { logprobs: [{ token: ' 😊', logprob: -0.08 }] }),
    { model: 'qwen3', created_at: '2025-12-02T11:30:15.33Z', message: { role: 'assistant', content: '' }, done: true, done_reason: 'stop', ...FINAL_METRICS },
  ),
  /** Content, then `{"error": …}` mid-stream (HTTP 200 already sent). */
  chatErrorMidStream: ndjsonBody(
    line('2025-11-19T10:48:31.61Z', { content: 'Voici' }),
    line('2025-11-19T10:48:31.63Z', { content: ' une recette' }),
    { error: 'an error was encountered while running the model: unexpected EOF' },
  ),
  /** Content lines and no `done: true` line. */
  chatTruncated: ndjsonBody(line('2025-11-20T18:22:50.09Z', { content: 'Ky' }), line('2025-11-20T18:22:50.11Z', { content: 'oto' })),
  /** Fields chunkwise does not know, top-level and in `message`, some `null` on a later line. */
  chatUnknownFields: ndjsonBody(
    line('2025-11-21T08:00:00.00Z', { content: 'a', tool_name: 'first', extra: { n: 1 } }, { remote_model: 'gpt-oss:120b', x_trace: 'abc' }),
    line('2025-11-21T08:00:00.01Z', { content: 'b', tool_name: null, extra: { n: 2 } }, { x_trace: null, thinking: 'top-level thinking is not a chat field' }),
    { model: 'qwen3', created_at: '2025-11-21T08:00:00.02Z', message: { role: 'assistant', content: '' }, done: true, done_reason: 'stop', x_late: [1] },
  ),
};
