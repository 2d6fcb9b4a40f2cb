import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { RECORDINGS, ROOT, finalText, recordingCases, runCli } from './run-cli.js';

const ESC = '\x1b';
const cases = recordingCases();
const byName = (name: string) => {
  const found = cases.find((c) => c.name === name);
  if (!found) throw new Error(`recording ${name} is missing`);
  return found;
};
const textCases = cases.filter((c) => !c.fails && finalText(c.expected).length > 0 && (c.expected.choices?.length ?? 1) === 1);

describe('chunkwise replay', () => {
  it.concurrent.for(textCases)('replays $name --instant as plain text with the final text and a summary', async (c, { expect }) => {
    const result = await runCli(['replay', '--instant', c.body]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(finalText(c.expected));
    expect(result.stdout).toContain('── summary ──');
    expect(result.stdout).toMatch(/^provider\s+(openai|groq|ollama)$/m);
    const model = c.expected.model;
    if (model) expect(result.stdout).toMatch(new RegExp(`^model\\s+${model.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
    for (const label of ['finish reason', 'tokens', 'first token', 'tokens/s', 'elapsed']) expect(result.stdout).toMatch(new RegExp(`^${label}\\s`, 'm'));
    expect(result.stdout).not.toContain(ESC);
    expect(result.stderr).not.toContain(ESC);
  });

  it('shows each tool call with its name and whole arguments', async () => {
    const c = byName('openai-parallel-tool-calls');
    const result = await runCli(['replay', '--instant', c.body]);
    expect(result.code).toBe(0);
    for (const call of c.expected.choices[0].message.tool_calls) {
      expect(result.stdout).toContain(`⚙ ${call.function.name}(${call.function.arguments})`);
    }
    expect(result.stdout).toMatch(/^finish reason\s+tool_calls$/m);
    expect(result.stdout).toMatch(/^tool calls\s+2$/m);
  });

  it('labels reasoning as thinking before the answer', async () => {
    const c = byName('ollama-chat-thinking');
    const result = await runCli(['replay', '--instant', c.body]);
    const thinking = result.stdout.indexOf(`thinking: ${c.expected.message.thinking}`);
    expect(thinking).toBeGreaterThan(-1);
    expect(result.stdout.indexOf(c.expected.message.content)).toBeGreaterThan(thinking);
  });

  it('writes every choice of an n>1 response in turn', async () => {
    const c = byName('openai-n2');
    const result = await runCli(['replay', '--instant', c.body]);
    expect(result.stdout).toContain(c.expected.choices[0].message.content);
    expect(result.stdout).toContain(`[choice 1]\n${c.expected.choices[1].message.content}`);
  });

  it('reports the usage the provider sent', async () => {
    const c = byName('openai-text-usage');
    const { prompt_tokens, completion_tokens, total_tokens } = c.expected.usage;
    const result = await runCli(['replay', '--instant', c.body]);
    expect(result.stdout).toContain(`${prompt_tokens} prompt + ${completion_tokens} completion = ${total_tokens} total`);
  });

  it('finds a bundled recording by name and plays it with synthetic timing', async () => {
    const c = byName('openai-text');
    const result = await runCli(['replay', '--speed', '100', 'openai-text']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('▶ openai-text.sse · no recorded timing');
    expect(result.stdout).toContain(finalText(c.expected));
  });

  it('replays a body from standard input with -', async () => {
    const c = byName('ollama-chat-text');
    const result = await runCli(['replay', '--instant', '-'], { stdin: readFileSync(c.body) });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('standard input');
    expect(result.stdout).toContain(finalText(c.expected));
  });

  it('exits quietly when the reader of its output goes away (replay FILE | head)', async () => {
    const c = byName('openai-n2');
    // A shell pipeline, as a user types it: head closes the pipe after one line.
    const result = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile('/bin/sh', ['-c', `"${process.execPath}" bin/chunkwise.js replay --tokens-per-second 400 "${c.body}" | head -n 1; echo "exit $?"`], { cwd: ROOT }, (error, stdout, stderr) =>
        resolve({ status: error ? (error.code as number) : 0, stdout, stderr }),
      );
    });
    expect(result.stderr).toBe('');
    expect(result.stdout.trim().split('\n')).toHaveLength(2);
  });

  it('accepts a path without its extension', async () => {
    const result = await runCli(['replay', '--instant', `${RECORDINGS}/ollama-generate`]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(byName('ollama-generate').expected.response);
  });

  it('colours tokens by probability with a legend when colours are forced', async () => {
    const c = byName('openai-logprobs');
    const result = await runCli(['replay', '--instant', '--logprobs', c.body], { env: { FORCE_COLOR: '1' } });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('token probability:');
    expect(result.stdout).toContain(`${ESC}[32m`);
    // Stripped of colour, the text is the content.
    expect(result.stdout.replace(/\x1b\[[0-9;]*m/g, '')).toContain(finalText(c.expected));
  });

  it('prints no control codes under NO_COLOR, even with --logprobs and FORCE_COLOR', async () => {
    const c = byName('openai-logprobs');
    const result = await runCli(['replay', '--instant', '--logprobs', c.body], { env: { NO_COLOR: '1', FORCE_COLOR: '1' } });
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain(ESC);
    expect(result.stderr).not.toContain(ESC);
    expect(result.stdout).toContain(finalText(c.expected));
    expect(result.stdout).toContain('colours are off');
  });

  it('shows what arrived, then the error on one line of stderr, and exits 1 when the stream fails', async () => {
    const c = byName('openai-midstream-error');
    const result = await runCli(['replay', '--instant', c.body]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(finalText(c.expected.partial));
    expect(result.stdout).toMatch(/^error\s+provider$/m);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(c.expected.error.message);
  });

  it('rejects --speed together with --instant, and a speed that is not positive (exit 2)', async () => {
    const both = await runCli(['replay', '--instant', '--speed', '2', 'openai-text']);
    expect(both.code).toBe(2);
    expect(both.stderr).toBe('chunkwise replay: --speed and --instant cannot be used together (see chunkwise replay --help)\n');
    const zero = await runCli(['replay', '--speed', '0', 'openai-text']);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toMatch(/^chunkwise replay: --speed must be a positive number, got "0"/);
  });

  it('reports a recording that does not exist on one line (exit 2)', async () => {
    const result = await runCli(['replay', 'no-such-recording']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^chunkwise replay: no recording "no-such-recording"/);
  });
});

describe('chunkwise with no arguments', () => {
  it('replays the bundled demo recording live, then a summary', async () => {
    const result = await runCli([]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^chunkwise demo ▶ replaying recordings\/\S+ live/);
    expect(result.stdout).toContain('── summary ──');
    expect(result.stdout).not.toContain(ESC);
  });
});
