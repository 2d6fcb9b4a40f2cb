import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReplayServer, type ReplayServer } from '../../src/node.js';
import { RECORDINGS, finalText, recordingCases, runCli } from './run-cli.js';

const KEY = 'sk-test-0123456789abcdefghijklmnop';
const cases = recordingCases();
const openaiText = cases.find((c) => c.name === 'openai-text')!;
const ollamaChat = cases.find((c) => c.name === 'ollama-chat-text')!;

let dir: string;
let replayServer: ReplayServer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'chunkwise-record-'));
  replayServer = await createReplayServer({ dir: RECORDINGS, tokensPerSecond: 2000 });
});
afterAll(async () => {
  await replayServer?.close();
  rmSync(dir, { recursive: true, force: true });
});

const requestFile = (name: string, body: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(body));
  return path;
};

describe('chunkwise record', () => {
  it('records an OpenAI-compatible stream: shows it live, saves the body and a sidecar with timing', async () => {
    const body = requestFile('openai-request.json', { model: openaiText.expected.model, messages: [{ role: 'user', content: 'Hi' }] });
    const out = join(dir, 'saved', 'openai-live');
    const result = await runCli(['record', '--url', `${replayServer.url}/v1/chat/completions`, '--body', body, '--out', out, '--header', 'X-Chunkwise-Recording: openai-text']);
    expect(result.stderr).toMatch(/^saved .*openai-live\.sse \(\d+ bytes, \d+ pieces\)$/m);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(finalText(openaiText.expected));
    expect(result.stdout).toContain('── summary ──');

    // The saved body is byte for byte the recording the server played.
    expect(readFileSync(`${out}.sse`)).toEqual(readFileSync(openaiText.body));
    const sidecar = JSON.parse(readFileSync(`${out}.sse.json`, 'utf8'));
    expect(sidecar).toMatchObject({ format: 'chunkwise-recording', version: 1, end: { outcome: 'complete' } });
    expect(sidecar.meta).toMatchObject({ status: 200, model: openaiText.expected.model, provider: 'openai', method: 'POST', contentType: 'text/event-stream' });
    expect(sidecar.meta.requestBody.stream).toBe(true);
    expect(sidecar.pieces.length).toBeGreaterThan(0);

    // And it assembles to the same final object.
    const assembled = await runCli(['assemble', `${out}.sse`]);
    expect(JSON.parse(assembled.stdout)).toEqual(openaiText.expected);
  });

  it('records an Ollama /api/chat stream as NDJSON', async () => {
    const body = requestFile('ollama-request.json', { model: ollamaChat.expected.model, messages: [{ role: 'user', content: 'Hi' }] });
    const out = join(dir, 'ollama-live');
    const result = await runCli(['record', '--url', `${replayServer.url}/api/chat`, '--body', body, '--out', out]);
    expect(result.code).toBe(0);
    expect(readdirSync(dir)).toEqual(expect.arrayContaining(['ollama-live.ndjson', 'ollama-live.ndjson.json']));
    const assembled = await runCli(['assemble', `${out}.ndjson`]);
    expect(JSON.parse(assembled.stdout)).toEqual(ollamaChat.expected);
  });

  it('writes the recording 0600 in folders it creates 0700 (umask 022), or the --file-mode asked for', async () => {
    const body = requestFile('mode-request.json', { model: ollamaChat.expected.model, messages: [] });
    const modeOf = (path: string) => statSync(path).mode & 0o777;
    // The CLI inherits this process's umask: the usual one, under which plain writes are world-readable.
    const before = process.umask(0o022);
    const umask = {};
    const own = join(dir, 'private', 'deeper', 'mode');
    expect((await runCli(['record', '--url', `${replayServer.url}/api/chat`, '--body', body, '--out', own], umask)).code).toBe(0);
    expect([modeOf(`${own}.ndjson`), modeOf(`${own}.ndjson.json`), modeOf(join(dir, 'private')), modeOf(join(dir, 'private', 'deeper'))]).toEqual([0o600, 0o600, 0o700, 0o700]);
    const shared = join(dir, 'shared', 'mode');
    expect((await runCli(['record', '--url', `${replayServer.url}/api/chat`, '--body', body, '--out', shared, '--file-mode', '644'], umask)).code).toBe(0);
    expect([modeOf(`${shared}.ndjson`), modeOf(join(dir, 'shared'))]).toEqual([0o644, 0o755]);
    const bad = await runCli(['record', '--url', `${replayServer.url}/api/chat`, '--body', body, '--out', shared, '--file-mode', 'rw-'], umask);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--file-mode must be an octal file mode/);
    process.umask(before);
  });

  it('reads the request body from standard input with --body -', async () => {
    const out = join(dir, 'from-stdin');
    const request = JSON.stringify({ model: ollamaChat.expected.model, messages: [{ role: 'user', content: 'Hi' }] });
    const result = await runCli(['record', '--url', `${replayServer.url}/api/chat`, '--body', '-', '--out', out], { stdin: request });
    expect(result.code).toBe(0);
    expect(JSON.parse(readFileSync(`${out}.ndjson.json`, 'utf8')).meta.requestBody).toMatchObject({ model: ollamaChat.expected.model, stream: true });
  });

  it('refuses a request body that asks for stream: false', async () => {
    const body = requestFile('no-stream.json', { model: 'm', stream: false });
    const result = await runCli(['record', '--url', `${replayServer.url}/v1/chat/completions`, '--body', body, '--out', join(dir, 'x')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/asks for "stream": false/);
  });

  it('saves nothing and exits 1 on an HTTP error', async () => {
    const body = requestFile('bad.json', { model: 'm' });
    const result = await runCli(['record', '--url', `${replayServer.url}/v1/embeddings`, '--body', body, '--out', join(dir, 'never')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/HTTP 404/);
    expect(readdirSync(dir).some((f) => f.startsWith('never'))).toBe(false);
  });

  it('prints an HTTP error for a URL with a key with the key masked', async () => {
    const body = requestFile('bad-keyed.json', { model: 'm' });
    const result = await runCli(['record', '--url', `${replayServer.url}/v1/embeddings?key=Q-SECRET-6`, '--body', body, '--out', join(dir, 'never-keyed')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/HTTP 404/);
    expect(result.stdout + result.stderr).not.toContain('Q-SECRET-6');
  });
});

describe('the API key', () => {
  let capture: Server;
  let url: string;
  const seen: Array<string | undefined> = [];
  beforeAll(async () => {
    const sse = readFileSync(openaiText.body);
    capture = createServer((req, res) => {
      seen.push(req.headers.authorization);
      req.resume();
      req.on('end', () => {
        // Echoes what the request carried, as a careless server (or a redirect) would.
        res.writeHead(200, { 'content-type': 'text/event-stream', 'x-echo-auth': req.headers.authorization ?? '', 'x-goog-api-key': String(req.headers['x-goog-api-key'] ?? ''), location: req.url ?? '' });
        res.end(sse);
      });
    });
    await new Promise<void>((resolve) => capture.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(capture.address() as AddressInfo).port}/v1/chat/completions`;
  });
  afterAll(() => new Promise<void>((resolve) => capture.close(() => resolve())));

  it('is sent as a bearer token from --key-env and never written to disk', async () => {
    const body = requestFile('key-request.json', { model: 'gpt-4o-mini', api_key: KEY, messages: [] });
    const out = join(dir, 'keyed');
    const result = await runCli(['record', '--url', url, '--body', body, '--out', out, '--key-env', 'MY_TEST_KEY'], { env: { MY_TEST_KEY: KEY } });
    expect(result.code).toBe(0);
    expect(seen.at(-1)).toBe(`Bearer ${KEY}`);
    const saved = readFileSync(`${out}.sse.json`, 'utf8') + readFileSync(`${out}.sse`, 'utf8');
    expect(saved).not.toContain(KEY);
    expect(saved).toContain('[redacted]');
    expect(result.stdout + result.stderr).not.toContain(KEY);
  });

  it('never writes or prints a key from the URL query, a header or the body', async () => {
    const google = `AIza${'Q'.repeat(35)}`;
    const body = requestFile('query-request.json', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: `key ${google}` }], private_key: 'PK-SECRET-1', credentials: { password: 'PW-SECRET-2' } });
    const out = join(dir, 'queried');
    const result = await runCli(['record', '--url', `${url}?alt=sse&key=Q-SECRET-3&Signature=Q-SECRET-4`, '--body', body, '--out', out, '--header', `x-goog-api-key: ${google}`]);
    expect(result.code).toBe(0);
    const saved = readFileSync(`${out}.sse.json`, 'utf8');
    for (const secret of [google, 'PK-SECRET-1', 'PW-SECRET-2', 'Q-SECRET-3', 'Q-SECRET-4']) {
      expect(saved).not.toContain(secret);
      expect(result.stdout + result.stderr).not.toContain(secret);
    }
    const meta = JSON.parse(saved).meta;
    expect(meta.endpoint).toBe(`${url}?alt=sse&key=[redacted]&Signature=[redacted]`);
    expect(meta.headers).toMatchObject({ 'x-goog-api-key': '[redacted]', location: '/v1/chat/completions?alt=sse&key=[redacted]&Signature=[redacted]' });
    expect(result.stdout).toContain(`recording ${url}?alt=sse&key=[redacted]`);
  });

  it('is not printed when --url is not a URL', async () => {
    const result = await runCli(['record', '--url', 'not a url?key=Q-SECRET-5', '--body', requestFile('any.json', {}), '--out', join(dir, 'never2')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('key=[redacted]');
    expect(result.stderr).not.toContain('Q-SECRET-5');
  });

  it('is not sent to a host that is neither OpenAI nor Groq unless asked', async () => {
    const body = requestFile('plain-request.json', { model: 'gpt-4o-mini', messages: [] });
    const result = await runCli(['record', '--url', url, '--body', body, '--out', join(dir, 'plain')], { env: { OPENAI_API_KEY: KEY, GROQ_API_KEY: KEY } });
    expect(result.code).toBe(0);
    expect(seen.at(-1)).toBeUndefined();
  });
});
