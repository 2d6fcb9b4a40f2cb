import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReplayServer, readRecording, type ReplayServer } from '../../src/node.js';
import { createInspectServer, type InspectServer } from '../../src/node/inspect/server.js';
import { upstreamUrl } from '../../src/node/inspect/proxy.js';
import { RECORDINGS, runCli } from '../cli/run-cli.js';

// The page is read from dist/inspect/index.html: `npm test` builds it first.
const FIXTURE = join(import.meta.dirname, 'fixtures/logprobs-tool-call.sse');
let replay: ReplayServer;
let inspect: InspectServer;
let saveDir: string;

beforeAll(async () => {
  saveDir = mkdtempSync(join(tmpdir(), 'chunkwise-inspect-'));
  replay = await createReplayServer({ dir: RECORDINGS, tokensPerSecond: 200 });
  inspect = await createInspectServer({ upstream: new URL(`${replay.url}/v1`), saveDir });
});

afterAll(async () => {
  await inspect?.close();
  await replay?.close();
  rmSync(saveDir, { recursive: true, force: true });
});

/** The first `count` messages of the live feed. */
async function liveMessages(server: InspectServer, count: number): Promise<any[]> {
  const response = await fetch(`${server.url}api/live`);
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  const messages: any[] = [];
  while (messages.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
    let end: number;
    while ((end = text.indexOf('\n\n')) >= 0) {
      const frame = text.slice(0, end);
      text = text.slice(end + 2);
      if (frame.startsWith('data: ')) messages.push(JSON.parse(frame.slice(6)));
    }
  }
  await reader.cancel();
  return messages;
}

function rawGet(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the chunkwise inspect server', () => {
  it('serves the self-contained page with a strict policy, and a recording on its live feed', async () => {
    const server = await createInspectServer();
    try {
      const recording = await readRecording(FIXTURE);
      server.add('fixture', recording);
      const page = await fetch(server.url);
      expect(page.status).toBe(200);
      const csp = page.headers.get('content-security-policy')!;
      expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
      expect(csp).toContain("connect-src 'self'");
      const html = await page.text();
      expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+stylesheet|https?:\/\/(?!127)/);
      const [first] = await liveMessages(server, 1);
      expect(first.type).toBe('request');
      expect(first.size).toBe(recording.body.length);
      const body = await fetch(`${server.url}api/requests/${first.id}/body`);
      expect(Buffer.from(await body.arrayBuffer()).equals(Buffer.from(recording.body))).toBe(true);
      expect(first.pieces).toEqual(recording.pieces);
      expect(first.timed).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('answers only requests addressed to a loopback name, and lets no other site use the proxy', async () => {
    expect(await rawGet(inspect.url, 'evil.example')).toBe(421);
    const proxied = await fetch(`${inspect.origin}/v1/chat/completions`, { method: 'POST', headers: { origin: 'https://evil.example', 'content-type': 'application/json' }, body: '{}' });
    expect(proxied.status).toBe(403);
    const save = await fetch(`${inspect.url}api/requests/1/save`, { method: 'POST', headers: { origin: 'https://evil.example' } });
    expect(save.status).toBe(403);
  });

  it('joins the upstream path once, whichever side carries it', () => {
    const upstream = new URL('https://api.example.test/v1');
    expect(upstreamUrl(upstream, '/v1/chat/completions').href).toBe('https://api.example.test/v1/chat/completions');
    expect(upstreamUrl(upstream, '/chat/completions').href).toBe('https://api.example.test/v1/chat/completions');
    expect(upstreamUrl(new URL('http://127.0.0.1:11434'), '/api/chat').href).toBe('http://127.0.0.1:11434/api/chat');
  });

  it('proxies a streamed request byte for byte, shows it on the feed, and saves it with secrets redacted', async () => {
    const body = JSON.stringify({ model: 'any', stream: true, messages: [{ role: 'user', content: 'Hi' }], api_key: 'sk-abcdefghijklmnopqrstuvwxyz123456' });
    const headers = { 'content-type': 'application/json', 'x-chunkwise-recording': 'openai-text', authorization: 'Bearer sk-abcdefghijklmnopqrstuvwxyz123456' };
    const direct = await (await fetch(`${replay.url}/v1/chat/completions`, { method: 'POST', headers, body })).arrayBuffer();
    const viaProxy = await fetch(`${inspect.origin}/v1/chat/completions`, { method: 'POST', headers, body });
    expect(viaProxy.headers.get('content-type')).toContain('text/event-stream');
    const proxiedBytes = await viaProxy.arrayBuffer();
    expect(Buffer.from(proxiedBytes).equals(Buffer.from(direct))).toBe(true);
    expect(Buffer.from(proxiedBytes).equals(readFileSync(join(RECORDINGS, 'openai-text.sse')))).toBe(true);

    const [announced] = await liveMessages(inspect, 1);
    expect(announced.savable).toBe(true);
    expect(announced.meta.requestBody.api_key).toBe('[redacted]');
    const stream = inspect.feed.streams.get(announced.id)!;
    expect(stream.end?.outcome).toBe('complete');
    expect(stream.pieces.length).toBeGreaterThan(1);

    const saved = await fetch(`${inspect.url}api/requests/${announced.id}/save`, { method: 'POST', headers: { origin: inspect.origin } });
    const { path } = (await saved.json()) as { path: string };
    expect(readdirSync(saveDir).sort()).toEqual([path.split('/').pop(), `${path.split('/').pop()}.json`].sort());
    const sidecar = readFileSync(`${path}.json`, 'utf8');
    expect(sidecar).not.toContain('sk-abcdefghijklmnopqrstuvwxyz123456');
    const recording = await readRecording(path);
    expect(Buffer.from(recording.body).equals(Buffer.from(direct))).toBe(true);
    expect(recording.pieces?.length).toBe(stream.pieces.length);
  });

  it('the CLI asks for a recording or an upstream', async () => {
    const result = await runCli(['inspect']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/chunkwise inspect: give a recording to inspect, or --upstream URL/);
  });
});
