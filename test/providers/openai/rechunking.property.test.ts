import fc from 'fast-check';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { createOpenAiAssembler } from '../../../src/providers/openai/assembler.js';
import { REFERENCE_STREAMS, assembleSse, readRecording, recordingName } from '../../helpers/sse-payloads.js';

function sseRecordings(): string[] {
  const out: string[] = [];
  for (const dir of [REFERENCE_STREAMS, join(process.cwd(), 'recordings')]) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir, { recursive: true }) as string[]) if (name.endsWith('.sse')) out.push(join(dir, name));
  }
  return out;
}

/** What a body assembles to, in a form deep equality can compare (the final object, or the error and its partial). */
function outcome(pieces: ReadonlyArray<Uint8Array>): unknown {
  const { final, error } = assembleSse(pieces, createOpenAiAssembler());
  return JSON.parse(JSON.stringify(error ? { error: { name: error.name, message: error.message, code: error.code }, partial: error.partial } : { final }));
}

/** Cuts `bytes` into pieces of the given sizes, repeated until the body is used up. */
function cut(bytes: Uint8Array, sizes: readonly number[]): Uint8Array[] {
  const pieces: Uint8Array[] = [];
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const size = sizes[i % sizes.length]!;
    pieces.push(bytes.subarray(at, at + size));
    at += size;
  }
  return pieces;
}

describe('the assembled object does not depend on how the bytes were cut', () => {
  const files = sseRecordings();

  test.each(files.map((f) => [recordingName(f), f]))('%s, cut anywhere', (_name, path) => {
    const bytes = readRecording(path);
    const whole = outcome([bytes]);
    expect(outcome(cut(bytes, [1]))).toEqual(whole);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1, maxLength: 50 }), (sizes) => {
        expect(outcome(cut(bytes, sizes))).toEqual(whole);
      }),
      { numRuns: 40 },
    );
  });
});
