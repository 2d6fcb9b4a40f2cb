import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReplayServer, readRecording, type ReplayServer } from '../../src/node.js';
import { createInspectServer, type InspectServer } from '../../src/node/inspect/server.js';
import { rawRequest } from '../helpers/raw-request.js';
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

  it('follows the same rules as serve: no Origin null, no foreign or malformed absolute targets', async () => {
    const proxied = await fetch(`${inspect.origin}/v1/chat/completions`, { method: 'POST', headers: { origin: 'null', 'content-type': 'application/json' }, body: '{}' });
    expect(proxied.status).toBe(403);
    const port = Number(new URL(inspect.origin).port);
    expect((await rawRequest(port, 'http://other.host/v1/chat/completions')).status).toBe(421);
    expect((await rawRequest(port, 'http://other.host:99999/x')).status).toBe(400);
    expect((await rawRequest(port, `http://127.0.0.1:${port}/__chunkwise/`)).status).toBe(200);
  });

  it('never sends a request to another host than the upstream (//host paths)', async () => {
    // An upstream without a path: `//other.host/x` resolved against it would leave it.
    const bare = await createInspectServer({ upstream: new URL(replay.url), saveDir });
    try {
      const port = Number(new URL(bare.origin).port);
      const answer = await rawRequest(port, '//example.invalid/v1/chat/completions', { method: 'POST', headers: { authorization: 'Bearer sk-abcdefghijklmnopqrstuvwxyz123456' }, body: '{}' });
      // The replay server (the upstream) answers it; the other host is never asked.
      expect(answer.status).toBe(200);
      expect(answer.headers['x-chunkwise-recording']).toBeTypeOf('string');
      expect(answer.body).not.toContain('did not answer');
    } finally {
      await bare.close();
    }
  });

  it('answers 413 to a request body over the proxy limit, without a reset', async () => {
    const port = Number(new URL(inspect.origin).port);
    const answer = await rawRequest(port, '/v1/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.alloc(33 * 1024 * 1024, 0x20) });
    expect(answer.status).toBe(413);
  });

  it('joins the upstream path once, whichever side carries it', () => {
    const upstream = new URL('https://api.example.test/v1');
    expect(upstreamUrl(upstream, '/v1/chat/completions').href).toBe('https://api.example.test/v1/chat/completions');
    expect(upstreamUrl(upstream, '/chat/completions').href).toBe('https://api.example.test/v1/chat/completions');
    expect(upstreamUrl(new URL('http://127.0.0.1:11434'), '/api/chat').href).toBe('http://127.0.0.1:11434/api/chat');
    // A path that would resolve to another host stays a path on the upstream.
    for (const path of ['//evil.example/x', '/\\evil.example/x', '//evil.example:443/v1/chat/completions?x=1']) {
      expect(new URL(upstreamUrl(new URL('http://127.0.0.1:11434'), path).href).host, path).toBe('127.0.0.1:11434');
      expect(new URL(upstreamUrl(upstream, path).href).host, path).toBe('api.example.test');
    }
  });

  it('proxies a streamed request byte for byte, shows it on the feed, and saves it with secrets redacted', async () => {
    const body = JSON.stringify({ model: 'any', stream: true, messages: [{ role: 'user', content: 'Hi' }], api_key: 'sk-abcdefghijklmnopqrstuvwxyz123456' });
    const headers = { 'content-type': 'application/json', 'x-chunkwise-recording': 'openai-text', authorization: 'Bearer sk-abcdefghijklmnopqrstuvwxyz123456' };
    const direct = await (await fetch(`${replay.url}/v1/chat/completions`, { method: 'POST', headers, body })).arrayBuffer();
    const viaProxy = await fetch(`${inspect.origin}/v1/chat/completions?alt=sse&key=inspect-SECRET-q`, { method: 'POST', headers, body });
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

    const umask = process.umask(0o022);
    const saved = await fetch(`${inspect.url}api/requests/${announced.id}/save`, { method: 'POST', headers: { origin: inspect.origin } });
    process.umask(umask);
    const { path } = (await saved.json()) as { path: string };
    // Written for the owner alone, though the umask would let everyone read them.
    expect([statSync(path).mode & 0o777, statSync(`${path}.json`).mode & 0o777]).toEqual([0o600, 0o600]);
    expect(readdirSync(saveDir).sort()).toEqual([path.split('/').pop(), `${path.split('/').pop()}.json`].sort());
    const sidecar = readFileSync(`${path}.json`, 'utf8');
    expect(sidecar).not.toContain('sk-abcdefghijklmnopqrstuvwxyz123456');
    expect(sidecar).not.toContain('inspect-SECRET-q');
    expect(JSON.parse(sidecar).meta.endpoint).toMatch(/\/v1\/chat\/completions\?alt=sse&key=\[redacted\]$/);
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
