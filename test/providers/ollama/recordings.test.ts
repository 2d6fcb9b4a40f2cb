import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChunkwiseError, ProviderError } from '../../../src/errors.js';
import { createOllamaAssembler } from '../../../src/providers/ollama/assembler.js';
import { assembleNdjson, listFiles, RECORDINGS_DIR, REFERENCE_DIR } from '../../helpers/ndjson-payloads.js';

interface Case {
  name: string;
  body: Uint8Array;
  expected: unknown;
}

/** `recordings/ollama-*.ndjson`, each with the `.expected.json` beside it. */
const recordings: Case[] = listFiles(RECORDINGS_DIR, 'ollama-', '.ndjson').map((file) => {
  const name = file.slice(0, -'.ndjson'.length);
  const expectedFile = join(RECORDINGS_DIR, `${name}.expected.json`);
  return {
    name: `recordings/${file}`,
    body: new Uint8Array(readFileSync(join(RECORDINGS_DIR, file))),
    expected: existsSync(expectedFile) ? JSON.parse(readFileSync(expectedFile, 'utf8')) : undefined,
  };
});

/**
 * The real captures in the shared reference streams, with the object worked out by hand from
 * their lines (Ollama's `"stream": false` rules), so that this suite asserts real bodies even
 * while `recordings/` has no Ollama files.
 */
function referenceCase(file: string, expected: (lines: Array<Record<string, any>>) => unknown): Case {
  const body = new Uint8Array(readFileSync(join(REFERENCE_DIR, file)));
  const lines = new TextDecoder().decode(body).split('\n').filter(Boolean).map((l) => JSON.parse(l));
  return { name: `reference-streams/${file}`, body, expected: expected(lines) };
}

const references: Case[] = [
  // Spreading the final line and overriding keeps its key order.
  referenceCase('ollama-chat-gemma3-plain.ndjson', (lines) => ({ ...lines.at(-1)!, message: { role: 'assistant', content: lines.map((l) => l.message.content).join('') } })),
  referenceCase('ollama-generate-dolphin3-context.ndjson', (lines) => ({ ...lines.at(-1)!, response: lines.map((l) => l.response).join('') })),
  referenceCase('ollama-chat-http400-error-body.ndjson', (lines) => ({ error: { message: lines[0]!.error }, partial: undefined })),
];

/** Expected files of the shape `{ "error": {...}, "partial": ... }` describe a failure. */
function isFailure(expected: unknown): expected is { error: Record<string, unknown>; partial: unknown } {
  if (typeof expected !== 'object' || expected === null) return false;
  const keys = Object.keys(expected);
  return keys.length === 2 && keys.includes('error') && keys.includes('partial');
}

/** `{message}` is the provider's message; other keys are fields of the ChunkwiseError (`code`…). */
function expectError(error: ChunkwiseError | undefined, expected: Record<string, unknown>, name: string): void {
  expect(error, `${name} should fail`).toBeDefined();
  for (const [key, value] of Object.entries(expected)) {
    const actual = key === 'message' ? ((error as ProviderError).providerMessage ?? error!.message) : (error as unknown as Record<string, unknown>)[key];
    expect(actual, `${name}: error.${key}`).toEqual(value);
  }
}

describe('Ollama bodies against their expected objects', () => {
  const cases = [...recordings, ...references];

  it('has bodies to check: the Ollama recordings and the real reference streams', () => {
    expect(references.length).toBe(3);
    expect(cases.length).toBeGreaterThanOrEqual(references.length);
  });

  for (const { name, body, expected } of cases) {
    it(`assembles ${name} into its expected object`, () => {
      expect(expected, `${name} has no .expected.json beside it`).toBeDefined();
      const outcome = assembleNdjson(createOllamaAssembler(), body);
      if (isFailure(expected)) {
        expectError(outcome.error, expected.error, name);
        expect(outcome.error!.partial).toEqual(expected.partial);
        if (expected.partial !== undefined) expect(JSON.stringify(outcome.error!.partial)).toBe(JSON.stringify(expected.partial));
        return;
      }
      if (outcome.error) throw outcome.error;
      expect(outcome.final).toEqual(expected);
      // Same keys in the same order, at every depth.
      expect(JSON.stringify(outcome.final)).toBe(JSON.stringify(expected));
    });
  }
});
