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
/** The shared real recordings, beside the repository (`../shared`), as in CI. */
export const REFERENCE_DIR = join(__dirname, '../../../shared/reference-streams');

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
