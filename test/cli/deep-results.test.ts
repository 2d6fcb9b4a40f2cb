import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assemble } from '../../src/index.js';
import { runCli } from './run-cli.js';

// Valid results deeper than JSON.stringify's native recursion (a few thousand levels) and well
// inside the core's depth limit (src/assembly/json-depth.ts).
const DEPTH = 20_000;
const args = `${'{"a":'.repeat(DEPTH)}1${'}'.repeat(DEPTH)}`;

let dir: string;
let body: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'chunkwise-deep-'));
  body = join(dir, 'deep.ndjson');
  // Ollama sends tool arguments as JSON objects, so the final object itself is this deep.
  writeFileSync(
    body,
    `{"model":"m","created_at":"2025-01-01T00:00:00Z","message":{"role":"assistant","content":"","tool_calls":[{"function":{"name":"f","arguments":${args}}}]},"done":false}\n` +
      '{"model":"m","created_at":"2025-01-01T00:00:01Z","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop"}\n',
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function depthOf(value: unknown): number {
  let levels = 0;
  while (typeof value === 'object' && value !== null) {
    value = (value as { a: unknown }).a;
    levels++;
  }
  return levels;
}

describe('chunkwise assemble with deep but valid results', () => {
  it('prints the whole final object, the same as the library assembles', async () => {
    const result = await runCli(['assemble', body]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout);
    const library = (await assemble(new TextEncoder().encode(readBody()))) as any;
    expect(depthOf(printed.message.tool_calls[0].function.arguments)).toBe(DEPTH);
    expect(depthOf(library.message.tool_calls[0].function.arguments)).toBe(DEPTH);
    expect({ ...printed, message: { ...printed.message, tool_calls: [] } }).toEqual({ ...library, message: { ...library.message, tool_calls: [] } });
  });

  it('--partial prints a deep partial object too, and no error is worded as a network one', async () => {
    const cut = join(dir, 'cut.ndjson');
    writeFileSync(cut, readBody().split('\n')[0]! + '\n');
    const result = await runCli(['assemble', '--partial', cut]);
    expect(result.code).toBe(1);
    expect(result.stderr).not.toMatch(/connection|network/i);
    expect(depthOf(JSON.parse(result.stdout).message.tool_calls[0].function.arguments)).toBe(DEPTH);
  });
});

function readBody(): string {
  return readFileSync(body, 'utf8');
}
