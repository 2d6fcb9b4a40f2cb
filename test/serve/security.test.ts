import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { createReplayServer, type ReplayServer } from '../../src/node.js';
import { isAllowedOrigin } from '../../src/node/serve/local-requests.js';
import { RECORDINGS } from '../cli/run-cli.js';
import { rawRequest as send } from '../helpers/raw-request.js';

const OUTSIDE_SECRET = 'SECRET-FROM-OUTSIDE-THE-FOLDER';

let root: string;
let dir: string;
let server: ReplayServer;
const warnings: string[] = [];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'chunkwise-serve-security-'));
  dir = join(root, 'served');
  mkdirSync(dir);
  // Good recordings, copied from the bundled ones.
  copyFileSync(join(RECORDINGS, 'openai-text.sse'), join(dir, 'openai-text.sse'));
  copyFileSync(join(RECORDINGS, 'ollama-chat-text.ndjson'), join(dir, 'ollama-chat-text.ndjson'));
  // A file outside the folder, and links to it from inside: as a body and as a sidecar.
  const outside = join(root, 'outside.sse');
  writeFileSync(outside, `data: {"choices":[{"index":0,"delta":{"content":"${OUTSIDE_SECRET}"}}]}\n\ndata: [DONE]\n\n`);
  writeFileSync(join(root, 'outside.json'), JSON.stringify({ format: 'chunkwise-recording', version: 1, meta: { model: OUTSIDE_SECRET } }));
  symlinkSync(outside, join(dir, 'leak.sse'));
  copyFileSync(join(RECORDINGS, 'openai-text.sse'), join(dir, 'linked-sidecar.sse'));
  symlinkSync(join(root, 'outside.json'), join(dir, 'linked-sidecar.sse.json'));
  // Bad files. Tests run as root here, where no mode makes a file unreadable: a folder with a
  // body's name and a dangling link stand in for the unreadable file.
  mkdirSync(join(dir, 'a-folder.sse'));
  symlinkSync(join(root, 'missing.sse'), join(dir, 'dangling.sse'));
  writeFileSync(join(dir, 'café.sse'), 'data: [DONE]\n\n');
  writeFileSync(join(dir, 'bad-sidecar.sse'), 'data: [DONE]\n\n');
  writeFileSync(join(dir, 'bad-sidecar.sse.json'), '{ not json');
  // Sidecars HTTP cannot replay: a header value that would split the response, a status out of range.
  const sidecar = (meta: object) => JSON.stringify({ format: 'chunkwise-recording', version: 1, meta });
  copyFileSync(join(RECORDINGS, 'openai-text.sse'), join(dir, 'split-header.sse'));
  writeFileSync(join(dir, 'split-header.sse.json'), sidecar({ headers: { 'x-note': 'a\r\nset-cookie: injected=1' } }));
  copyFileSync(join(RECORDINGS, 'openai-text.sse'), join(dir, 'bad-status.sse'));
  writeFileSync(join(dir, 'bad-status.sse.json'), sidecar({ status: 99999, statusText: 'OK\r\nx: y' }));
  server = await createReplayServer({ dir, instant: true, corsOrigins: ['https://app.example'], onWarning: (message) => warnings.push(message) });
});
afterAll(async () => {
  await server?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('serve answers only loopback names (DNS rebinding)', () => {
  it('refuses a Host that is not a loopback name or address with 421', async () => {
    for (const host of ['evil.example', 'evil.example:80', '192.168.1.5', `attacker.test:${server.port}`, '127.0.0.1.nip.io', 'localhost.evil.example']) {
      const answer = await send(server.port, '/recordings', { headers: { host } });
      expect(answer.status, host).toBe(421);
      expect(answer.body).not.toContain('openai-text');
    }
  });

  it('answers loopback names and addresses, with or without a port', async () => {
    for (const host of ['localhost', `localhost:${server.port}`, `127.0.0.1:${server.port}`, '127.1.2.3', `[::1]:${server.port}`, 'app.localhost']) {
      const answer = await send(server.port, '/recordings', { headers: { host } });
      expect(answer.status, host).toBe(200);
    }
  });

  it('refuses a request without a Host, or with a malformed one, with 400', async () => {
    expect((await send(server.port, '/recordings', { setHost: false })).status).toBe(400);
    for (const host of ['localhost:99999', 'local host', 'user@localhost']) expect((await send(server.port, '/recordings', { headers: { host } })).status, host).toBe(400);
  });
});

describe('serve refuses absolute-form and malformed targets', () => {
  it('does not answer http://other.host/recordings as local', async () => {
    const answer = await send(server.port, 'http://other.host/recordings');
    expect(answer.status).toBe(421);
    expect(answer.body).not.toContain('openai-text');
  });

  it('answers 400, never 500, for a malformed absolute target or a bad port', async () => {
    for (const target of ['http://other.host:99999/x', 'http://[nope/x', 'ftp://localhost/recordings', '*', 'recordings']) {
      const answer = await send(server.port, target);
      expect(answer.status, target).toBe(400);
      expect(answer.body).not.toContain('openai-text');
    }
  });

  it('answers an absolute target naming a loopback host as the path it names', async () => {
    const answer = await send(server.port, `http://127.0.0.1:${server.port}/recordings`);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).recordings.map((r: { name: string }) => r.name)).toContain('openai-text');
  });
});

describe('serve gives CORS headers to loopback origins and listed ones only', () => {
  it('echoes a loopback origin, on a preflight and on the request', async () => {
    for (const origin of ['http://localhost:5173', 'http://127.0.0.1:3000', 'http://[::1]:8080']) {
      const preflight = await send(server.port, '/v1/chat/completions', { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
      expect(preflight.status, origin).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe(origin);
      const listed = await send(server.port, '/recordings', { headers: { origin } });
      expect(listed.headers['access-control-allow-origin']).toBe(origin);
    }
  });

  it('refuses other origins and null with 403 and no CORS headers', async () => {
    for (const origin of ['https://evil.example', 'null', 'http://localhost.evil.example', 'file://']) {
      for (const method of ['OPTIONS', 'GET', 'POST']) {
        const answer = await send(server.port, method === 'GET' ? '/recordings' : '/v1/chat/completions', { method, headers: { origin, 'content-type': 'application/json' }, ...(method === 'POST' ? { body: '{"stream":true}' } : {}) });
        expect(answer.status, `${method} from ${origin}`).toBe(403);
        expect(answer.headers['access-control-allow-origin']).toBeUndefined();
        expect(answer.body).not.toContain('data:');
      }
    }
  });

  it('lets a --cors origin in, exactly', async () => {
    const answer = await send(server.port, '/recordings', { headers: { origin: 'https://app.example' } });
    expect(answer.status).toBe(200);
    expect(answer.headers['access-control-allow-origin']).toBe('https://app.example');
    expect((await send(server.port, '/recordings', { headers: { origin: 'https://app.example:8443' } })).status).toBe(403);
    expect((await send(server.port, '/recordings', { headers: { origin: 'http://app.example' } })).status).toBe(403);
  });

  it('sends no CORS headers to a client without an Origin (an SDK, curl)', async () => {
    const answer = await send(server.port, '/recordings');
    expect(answer.status).toBe(200);
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('checks --cors values once, at the start', async () => {
    for (const bad of ['*', 'null', 'app.example', 'https://app.example/path', 'javascript:alert(1)']) {
      await expect(createReplayServer({ dir, corsOrigins: [bad] }), bad).rejects.toBeInstanceOf(UsageError);
    }
    expect(isAllowedOrigin('null', ['null'])).toBe(false);
  });
});

describe('serve reads only its own folder, and survives bad files', () => {
  it('skips links out of the folder: never listed, never played, never read', async () => {
    const listing = await send(server.port, '/recordings');
    const names = JSON.parse(listing.body).recordings.map((r: { name: string }) => r.name);
    expect(names).toEqual(['ollama-chat-text', 'openai-text']);
    const asked = await send(server.port, '/v1/chat/completions', { method: 'POST', headers: { 'x-chunkwise-recording': 'leak' }, body: '{"stream":true}' });
    expect(asked.status).toBe(404);
    for (const answer of [listing, asked]) expect(answer.body).not.toContain(OUTSIDE_SECRET);
    expect(warnings.filter((w) => w.includes('outside the folder'))).toHaveLength(2);
  });

  it('skips each bad file with one warning and keeps serving the rest, with no path in any answer', async () => {
    const streamed = await send(server.port, '/v1/chat/completions', { method: 'POST', headers: { 'x-chunkwise-recording': 'openai-text' }, body: '{"stream":true}' });
    expect(streamed.status).toBe(200);
    expect(streamed.body).toContain('data: [DONE]');
    const final = await send(server.port, '/api/chat', { method: 'POST', body: '{"stream":false}' });
    expect(final.status).toBe(200);
    expect(JSON.parse(final.body).done).toBe(true);

    const skipped = ['a-folder.sse', 'dangling.sse', 'café.sse', 'bad-sidecar.sse', 'split-header.sse', 'bad-status.sse'];
    for (const file of skipped) expect(warnings.filter((w) => w.includes(JSON.stringify(file))), file).toHaveLength(1);
    for (const w of warnings) expect(w).not.toMatch(/\n/);

    // A change to the folder reloads it: the same bad files are not told about again.
    const told = warnings.length;
    writeFileSync(join(dir, 'new.sse'), 'data: [DONE]\n\n');
    utimesSync(join(dir, 'new.sse'), new Date(), new Date(Date.now() + 5000));
    const relisted = await send(server.port, '/recordings');
    expect(JSON.parse(relisted.body).recordings.map((r: { name: string }) => r.name)).toContain('new');
    expect(warnings.length).toBe(told);

    for (const answer of [streamed, final, relisted, await send(server.port, '/nowhere'), await send(server.port, '/')]) {
      expect(answer.body).not.toContain(root);
      expect(answer.body).not.toContain(tmpdir());
    }
  });
});

describe('serve never maps a request to a file path', () => {
  it('answers 404 to traversal in the path or in the recording name, reading nothing', async () => {
    for (const path of ['/../outside.sse', '/%2e%2e/outside.sse', '/v1/chat/completions/..%2f..%2foutside.sse', '/%2e%2e%2foutside.json']) {
      const answer = await send(server.port, path, { method: 'POST', body: '{"stream":true}' });
      expect(answer.status, path).toBe(404);
      expect(answer.body).not.toContain(OUTSIDE_SECRET);
    }
    for (const name of ['../outside', '../outside.sse', '..%2foutside', '/etc/passwd', 'leak']) {
      const answer = await send(server.port, '/v1/chat/completions', { method: 'POST', headers: { 'x-chunkwise-recording': name }, body: '{"stream":true}' });
      expect(answer.status, name).toBe(404);
      expect(answer.body).not.toContain(OUTSIDE_SECRET);
    }
  });
});

describe('serve request bodies', () => {
  it('answers 413 to a body over the limit, and 400 to one that is not JSON', async () => {
    const big = await send(server.port, '/v1/chat/completions', { method: 'POST', body: Buffer.alloc(5 * 1024 * 1024, 0x20) });
    expect(big.status).toBe(413);
    const bad = await send(server.port, '/v1/chat/completions', { method: 'POST', body: '{"model":' });
    expect(bad.status).toBe(400);
  });
});

describe('serve answers deep but valid results', () => {
  it('sends the final object of tool arguments nested 20,000 levels whole', async () => {
    const depth = 20_000;
    const deepDir = join(root, 'deep');
    mkdirSync(deepDir);
    const args = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    writeFileSync(
      join(deepDir, 'deep.ndjson'),
      `{"model":"m","created_at":"2025-01-01T00:00:00Z","message":{"role":"assistant","content":"","tool_calls":[{"function":{"name":"f","arguments":${args}}}]},"done":false}\n` +
        '{"model":"m","created_at":"2025-01-01T00:00:01Z","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop"}\n',
    );
    const deepServer = await createReplayServer({ dir: deepDir, instant: true, onWarning: () => {} });
    try {
      const answer = await send(deepServer.port, '/api/chat', { method: 'POST', body: '{"stream":false}' });
      expect(answer.status).toBe(200);
      let value = JSON.parse(answer.body).message.tool_calls[0].function.arguments;
      let levels = 0;
      while (typeof value === 'object') {
        value = value.a;
        levels++;
      }
      expect([levels, value]).toEqual([depth, 1]);
    } finally {
      await deepServer.close();
    }
  });
});
