import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ollama } from 'ollama';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { createReplayServer, type ReplayServer } from '../../src/node.js';
import { writeRecording } from '../../src/node/recording-files.js';
import { describeRecording } from '../../src/node/serve/catalog.js';
import { isLoopbackHost } from '../../src/node/serve/loopback.js';
import { replayOptionsFor } from '../../src/node/serve/playback.js';
import { RECORDINGS } from '../cli/run-cli.js';

const encode = (text: string) => new TextEncoder().encode(text);

describe('loopback only', () => {
  it('tells loopback hosts from the rest', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', 'app.localhost']) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '192.168.1.10', '10.0.0.1', 'example.com', '128.0.0.1', '::2']) expect(isLoopbackHost(host), host).toBe(false);
  });

  it('refuses a non-loopback host without allowRemote, before binding anything', async () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.10']) {
      const attempt = createReplayServer({ dir: RECORDINGS, host });
      await expect(attempt).rejects.toBeInstanceOf(UsageError);
      await expect(attempt).rejects.toThrow(/not a loopback address \(pass --allow-remote/);
    }
  });

  it('binds localhost and ::1-style hosts', async () => {
    const server = await createReplayServer({ dir: RECORDINGS, host: 'localhost' });
    expect(isLoopbackHost(server.host)).toBe(true);
    await server.close();
  });

  it('reports a port in use as a usage error', async () => {
    const first = await createReplayServer({ dir: RECORDINGS });
    await expect(createReplayServer({ dir: RECORDINGS, port: first.port })).rejects.toThrow(/the port is in use/);
    await first.close();
  });
});

describe('the replay server', () => {
  let server: ReplayServer;
  beforeAll(async () => {
    server = await createReplayServer({ dir: RECORDINGS, instant: true });
  });
  afterAll(() => server?.close());

  it('lists every recording with what it answers', async () => {
    const response = await fetch(`${server.url}/recordings`);
    expect(response.status).toBe(200);
    const { recordings } = (await response.json()) as { recordings: Array<{ name: string; endpoints: string[]; format: string }> };
    const bodies = readdirSync(RECORDINGS).filter((f) => /\.(sse|ndjson|jsonl)$/.test(f)).map((f) => f.replace(/\.[^.]+$/, ''));
    expect(recordings.map((r) => r.name)).toEqual(bodies.sort());
    expect(server.recordings).toEqual(bodies.sort());
    for (const r of recordings) expect(r.endpoints.length).toBeGreaterThan(0);
    expect(recordings.find((r) => r.name === 'ollama-generate')!.endpoints).toEqual(['/api/generate']);
    expect(recordings.find((r) => r.name === 'ollama-chat-text')!.endpoints).toEqual(['/api/chat']);
    expect(recordings.find((r) => r.name === 'openai-text')!).toMatchObject({ format: 'sse', endpoints: ['/v1/chat/completions'] });
  });

  it('answers a CORS preflight from another origin, echoing the requested headers', async () => {
    const response = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'OPTIONS',
      headers: { origin: 'http://127.0.0.1:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-chunkwise-recording' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5173');
    expect(response.headers.get('access-control-allow-headers')).toBe('content-type,x-chunkwise-recording');
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
  });

  it('streams SSE with CORS headers and names the recording it played', async () => {
    const response = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { origin: 'http://127.0.0.1:5173', 'x-chunkwise-recording': 'openai-text' },
      body: JSON.stringify({ model: 'x', stream: true }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(response.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5173');
    expect(response.headers.get('access-control-expose-headers')).toContain('x-chunkwise-recording');
    expect(response.headers.get('x-chunkwise-recording')).toBe('openai-text');
    expect(await response.text()).toMatch(/data: \[DONE\]\n\n$/);
  });

  it('plays the first recording that ends well when neither header nor model chooses', async () => {
    const listed = (await (await fetch(`${server.url}/recordings`)).json()) as { recordings: Array<{ name: string; endpoints: string[]; complete: boolean }> };
    for (const endpoint of ['/v1/chat/completions', '/api/chat', '/api/generate']) {
      const first = listed.recordings.find((r) => r.complete && r.endpoints.includes(endpoint))!;
      const response = await fetch(`${server.url}${endpoint}`, { method: 'POST', body: JSON.stringify({ model: 'unknown-model', stream: true }) });
      expect(response.headers.get('x-chunkwise-recording'), endpoint).toBe(first.name);
      await response.text();
    }
  });

  it('also answers the OpenAI path without /v1 and Groq\'s /openai/v1 prefix', async () => {
    for (const path of ['/chat/completions', '/openai/v1/chat/completions']) {
      const response = await fetch(`${server.url}${path}`, { method: 'POST', headers: { 'x-chunkwise-recording': 'openai-text' }, body: '{"stream":true}' });
      expect(response.status).toBe(200);
      await response.text();
    }
  });

  it('answers mistakes with JSON errors: unknown path, wrong method, bad JSON, a recording for another endpoint', async () => {
    const unknown = await fetch(`${server.url}/v1/embeddings`, { method: 'POST', body: '{}' });
    expect(unknown.status).toBe(404);
    const wrongMethod = await fetch(`${server.url}/api/chat`);
    expect(wrongMethod.status).toBe(405);
    const badJson = await fetch(`${server.url}/api/chat`, { method: 'POST', body: '{nope' });
    expect(badJson.status).toBe(400);
    expect(((await badJson.json()) as { error: { message: string } }).error.message).toBe('Request body is not valid JSON');
    const mismatch = await fetch(`${server.url}/api/chat`, { method: 'POST', headers: { 'x-chunkwise-recording': 'openai-text' }, body: '{}' });
    expect(mismatch.status).toBe(400);
    expect(((await mismatch.json()) as { error: { message: string } }).error.message).toContain('answers /v1/chat/completions, not /api/chat');
  });

  it('survives a client that goes away mid-stream', async () => {
    const slow = await createReplayServer({ dir: RECORDINGS, tokensPerSecond: 5 });
    const controller = new AbortController();
    const response = await fetch(`${slow.url}/api/chat`, { method: 'POST', body: '{}', signal: controller.signal });
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    const again = await fetch(`${slow.url}/recordings`);
    expect(again.status).toBe(200);
    await slow.close();
  });
});

describe('a folder of recordings made on the spot', () => {
  let dir: string;
  let server: ReplayServer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'chunkwise-serve-'));
    await writeRecording(join(dir, 'no-tools.ndjson'), {
      body: encode('{"error":"registry.ollama.ai/library/gemma3:1b does not support tools"}'),
      meta: { status: 400, statusText: 'Bad Request', contentType: 'application/json; charset=utf-8', model: 'gemma3:1b' },
    });
    server = await createReplayServer({ dir });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('replays a recorded HTTP error with its status, which the Ollama SDK reports', async () => {
    const ollama = new Ollama({ host: server.url });
    await expect(ollama.chat({ model: 'gemma3:1b', messages: [{ role: 'user', content: 'Hi' }], stream: true })).rejects.toMatchObject({
      status_code: 400,
      message: expect.stringContaining('does not support tools'),
    });
  });

  it('picks up a recording added while it runs', async () => {
    writeFileSync(join(dir, 'added.sse'), 'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n');
    const { recordings } = (await (await fetch(`${server.url}/recordings`)).json()) as { recordings: Array<{ name: string }> };
    expect(recordings.map((r) => r.name)).toEqual(['added', 'no-tools']);
  });
});

describe('playback timing', () => {
  const untimed = describeRecording('a', 'a.sse', { body: encode('data: {}\n\ndata: [DONE]\n\n') });
  const timed = describeRecording('b', 'b.sse', { body: encode('data: {}\n\n'), pieces: [{ offset: 0, length: 10, at: 40 }] });

  it('uses the recorded timing, scaled by speed, when the recording has pieces', () => {
    expect(replayOptionsFor(timed, { speed: 2 })).toEqual({ timing: 'recorded', speed: 2 });
  });

  it('paces a recording without pieces evenly', () => {
    expect(replayOptionsFor(untimed, {})).toEqual({ timing: 'synthetic', speed: 1, tokensPerSecond: 50 });
    expect(replayOptionsFor(untimed, { tokensPerSecond: 10, speed: 3 })).toEqual({ timing: 'synthetic', speed: 3, tokensPerSecond: 10 });
  });

  it('sends everything at once with instant', () => {
    expect(replayOptionsFor(timed, { instant: true, speed: 5 })).toEqual({ timing: 'instant' });
  });
});
