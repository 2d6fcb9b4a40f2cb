import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ProviderError } from '../../../src/errors.js';
import { createOpenAiAssembler } from '../../../src/providers/openai/assembler.js';
import { REFERENCE_STREAMS, assembleSse, readRecording, recordingName } from '../../helpers/sse-payloads.js';

function withExpected(dir: string): Array<[string, string, unknown]> {
  if (!existsSync(dir)) return [];
  return (readdirSync(dir, { recursive: true }) as string[])
    // Responses API bodies (responses/) have their own provider and tests (test/providers/openai-responses/).
    .filter((name) => name.endsWith('.sse') && !name.startsWith('responses/') && existsSync(join(dir, name.replace(/\.sse$/, '.expected.json'))))
    .map((name) => [recordingName(name), join(dir, name), JSON.parse(readFileSync(join(dir, name.replace(/\.sse$/, '.expected.json')), 'utf8'))]);
}

describe('reference streams assemble to the choices openai-python asserts', () => {
  test.each(withExpected(REFERENCE_STREAMS))('%s', (_name, path, expected) => {
    const { final, error } = assembleSse(readRecording(path), createOpenAiAssembler());
    expect(error).toBeUndefined();
    expect(final).toMatchObject(expected as object);
  });
});

describe('project recordings assemble to their expected.json, key order included', () => {
  test.each(withExpected(join(process.cwd(), 'recordings')))('%s', (_name, path, expected) => {
    const { final, error } = assembleSse(readRecording(path), createOpenAiAssembler());
    const want = expected as { error?: Record<string, unknown>; partial?: unknown };
    if (want.error === undefined) {
      expect(error).toBeUndefined();
      expect(JSON.stringify(final, null, 2)).toBe(JSON.stringify(expected, null, 2));
      return;
    }
    expect(error).toBeDefined();
    if (want.error.code === 'truncated') expect(error!.code).toBe('truncated');
    else expect(((error as ProviderError).payload as { error: unknown }).error).toEqual(want.error);
    expect(JSON.stringify(error!.partial, null, 2)).toBe(JSON.stringify(want.partial, null, 2));
  });
});
