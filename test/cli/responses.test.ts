/** The CLI on Responses API bodies: assemble, replay, record (from a `/v1/responses` URL) and serve. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReplayServer, type ReplayServer } from '../../src/node.js';
import { RESPONSES_DIR, responsesRecordings } from '../helpers/responses-recordings.js';
import { runCli } from './run-cli.js';

const recordings = responsesRecordings();
const toolCall = recordings.find((r) => r.name === 'deepseek-v4-flash-reasoning-text-then-function-call')!;

let dir: string;
let server: ReplayServer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'chunkwise-responses-cli-'));
  server = await createReplayServer({ dir: RESPONSES_DIR, instant: true });
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('chunkwise on Responses API bodies', () => {
  it('assemble prints exactly the expected Response, with no --provider', async () => {
    for (const recording of recordings.filter((r) => !('partial' in r.expected)).slice(0, 4)) {
      const result = await runCli(['assemble', recording.path]);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(`${JSON.stringify(recording.expected, null, 2)}\n`);
    }
  });

  it('assemble fails a failed stream with one line and exit 1, and prints the partial with --partial', async () => {
    const failing = recordings.find((r) => r.name === 'openai-error-then-failed')!;
    const result = await runCli(['assemble', failing.path, '--partial']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/insufficient_quota/);
    expect(JSON.parse(result.stdout)).toEqual(failing.expected.partial);
  });

  it('replay shows the reasoning, the tool call and a summary in the Responses terms', async () => {
    const result = await runCli(['replay', toolCall.path, '--instant']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('get_temperature');
    expect(result.stdout).toMatch(/finish reason +completed/);
    expect(result.stdout).toMatch(/tool calls +1/);
    expect(result.stdout).toMatch(/usage +366 input \+ 59 output = 425 total \(14 reasoning\)/);
  });

  it('record from a /v1/responses URL saves the body byte for byte, with provider openai-responses', async () => {
    const body = join(dir, 'request.json');
    writeFileSync(body, JSON.stringify({ model: 'deepseek-v4-flash', input: 'Hi' }));
    const out = join(dir, 'live');
    const result = await runCli(['record', '--url', `${server.url}/v1/responses`, '--body', body, '--out', out, '--header', `X-Chunkwise-Recording: ${toolCall.name}`]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/provider +openai-responses/);
    expect(readFileSync(`${out}.sse`)).toEqual(Buffer.from(toolCall.body));
    const sidecar = JSON.parse(readFileSync(`${out}.sse.json`, 'utf8'));
    expect(sidecar.meta).toMatchObject({ provider: 'openai-responses', status: 200 });
    expect(sidecar.end).toMatchObject({ outcome: 'complete' });
    const assembled = await runCli(['assemble', `${out}.sse`]);
    expect(JSON.parse(assembled.stdout)).toEqual(toolCall.expected);
  });

  it('serve answers POST /v1/responses: a stream when asked, else the final Response', async () => {
    const ask = (stream: boolean) =>
      fetch(`${server.url}/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-chunkwise-recording': toolCall.name }, body: JSON.stringify({ model: 'm', input: 'x', stream }) });
    const streamed = await ask(true);
    expect(streamed.headers.get('content-type')).toMatch(/text\/event-stream/);
    expect(new Uint8Array(await streamed.arrayBuffer())).toEqual(toolCall.body);
    const plain = await ask(false);
    expect(await plain.json()).toEqual(toolCall.expected);
    const wrong = await fetch(`${server.url}/v1/chat/completions`, { method: 'POST', headers: { 'x-chunkwise-recording': toolCall.name }, body: JSON.stringify({ model: 'm', stream: true }) });
    expect(wrong.status).toBe(400);
  });
});
