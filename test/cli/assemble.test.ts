import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RECORDINGS, recordingCases, runCli } from './run-cli.js';

const cases = recordingCases();
const successes = cases.filter((c) => !c.fails);
const failures = cases.filter((c) => c.fails);

describe('chunkwise assemble', () => {
  it('finds recordings to check', () => {
    expect(successes.length).toBeGreaterThan(0);
    expect(failures.length).toBeGreaterThan(0);
  });

  it.concurrent.for(successes)('prints exactly the expected final object for $name', async (c, { expect }) => {
    const result = await runCli(['assemble', c.body]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.endsWith('}\n')).toBe(true);
    expect(JSON.parse(result.stdout)).toEqual(c.expected);
    // 2-space indented JSON and nothing else.
    expect(result.stdout).toBe(`${JSON.stringify(JSON.parse(result.stdout), null, 2)}\n`);
  });

  it.concurrent.for(failures)('fails $name with one line on stderr, exit 1, and prints the partial object with --partial', async (c, { expect }) => {
    const plain = await runCli(['assemble', c.body]);
    expect(plain.code).toBe(1);
    expect(plain.stdout).toBe('');
    expect(plain.stderr.endsWith('\n')).toBe(true);
    expect(plain.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(plain.stderr).toMatch(/^chunkwise: /);

    const withPartial = await runCli(['assemble', '--partial', c.body]);
    expect(withPartial.code).toBe(1);
    expect(withPartial.stderr).toBe(plain.stderr);
    expect(JSON.parse(withPartial.stdout)).toEqual(c.expected.partial);
  });

  it('reads the body from standard input with -', async () => {
    const c = successes.find((x) => x.body.endsWith('.sse'))!;
    const result = await runCli(['assemble', '-'], { stdin: readFileSync(c.body) });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(c.expected);
  });

  it('reads an NDJSON body from standard input too', async () => {
    const c = successes.find((x) => x.body.endsWith('.ndjson'))!;
    const result = await runCli(['assemble', '-'], { stdin: readFileSync(c.body) });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(c.expected);
  });

  it('accepts --provider that matches the body', async () => {
    const sse = successes.find((x) => x.body.endsWith('.sse'))!;
    const ndjson = successes.find((x) => x.body.endsWith('.ndjson'))!;
    const a = await runCli(['assemble', '--provider', 'openai', sse.body]);
    const b = await runCli(['assemble', '--provider=ollama', ndjson.body]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(JSON.parse(a.stdout)).toEqual(sse.expected);
    expect(JSON.parse(b.stdout)).toEqual(ndjson.expected);
  });

  it('fails with one line and exit 1 when --provider does not fit the body', async () => {
    const sse = successes.find((x) => x.body.endsWith('.sse'))!;
    const result = await runCli(['assemble', '--provider', 'ollama', sse.body]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('returns the partial object of a truncated stream with --lenient', async () => {
    const truncated = failures.find((c) => c.expected.error?.code === 'truncated');
    expect(truncated).toBeDefined();
    const result = await runCli(['assemble', '--lenient', truncated!.body]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(truncated!.expected.partial);
  });

  it('prints null with --partial when nothing was assembled', async () => {
    const result = await runCli(['assemble', '--partial', '-'], { stdin: 'data: {not json}\n\n' });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('null\n');
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('rejects an unknown provider with exit 1, as the assemble contract says for any error', async () => {
    const result = await runCli(['assemble', '--provider', 'anthropic', `${RECORDINGS}/openai-text.sse`]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^chunkwise assemble: --provider must be one of openai, groq, openai-responses, ollama/);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('reports a missing file on one line with exit 1', async () => {
    const result = await runCli(['assemble', 'no/such/file.sse']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('chunkwise assemble: no such file: no/such/file.sse (see chunkwise assemble --help)\n');
  });

  it('asks for the file when none is given', async () => {
    const result = await runCli(['assemble']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/missing <file \| ->/);
  });
});
