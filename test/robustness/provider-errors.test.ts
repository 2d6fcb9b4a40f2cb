import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ChunkwiseError, HttpError, ProviderError, assemble, streamResponse } from '../../src/index.js';
import { startTestServer, type TestServer } from '../helpers/http-server.js';
import { RECORDINGS_DIR, failure } from '../helpers/robustness-corpus.js';

/*
 * Errors a provider reports: inside the stream after a 200 (OpenAI `data: {"error": …}`, Groq
 * `event: error`, Ollama `{"error": …}`, vLLM `{"object": "error"}`), with the partial object
 * attached; and as the HTTP response itself (401, 404, 429 with retry-after, 500 with an HTML
 * page, a proxy's plain text), with the provider's message and the status. Each both from a
 * `Response` object and from a real local HTTP server through the global fetch.
 */

const recording = (name: string) => readFileSync(join(RECORDINGS_DIR, name));
const expected = (name: string) => JSON.parse(readFileSync(join(RECORDINGS_DIR, name.replace(/\.(sse|ndjson)$/, '.expected.json')), 'utf8'));
const SSE = { 'content-type': 'text/event-stream; charset=utf-8' };
const NDJSON = { 'content-type': 'application/x-ndjson' };


let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

/** Serves `body` once, in pieces of `piece` bytes, with the given status and headers. */
async function serve(status: number, headers: Record<string, string>, body: Uint8Array | string, piece = 97): Promise<{ byClient: boolean }> {
  const exchange = await server.nextExchange();
  exchange.head(status, headers);
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  // (Once the client closed, a write or end may never call back: race each with the close.)
  for (let at = 0; at < bytes.length && !exchange.response.destroyed; at += piece) {
    await Promise.race([exchange.write(bytes.subarray(at, at + piece)).catch(() => {}), exchange.closed]);
  }
  if (!exchange.response.destroyed) await Promise.race([exchange.end(), exchange.closed]);
  return exchange.closed;
}

describe('mid-stream provider errors: a ProviderError with the message, the status and the partial object', () => {
  const cases = [
    {
      name: 'OpenAI data: {"error": …}',
      file: 'openai-midstream-error.sse',
      headers: SSE,
      check(error: ProviderError) {
        expect(error.providerMessage).toBe('The server had an error while processing your request. Sorry about that!');
        expect(error.type).toBe('server_error');
      },
    },
    {
      name: 'Groq event: error',
      file: 'groq-error-event.sse',
      headers: SSE,
      check(error: ProviderError) {
        expect(error.providerMessage).toMatch(/^Failed to call a function/);
        expect(error.providerCode).toBe('tool_use_failed');
        expect(error.type).toBe('invalid_request_error');
      },
    },
    {
      name: 'Ollama {"error": …}',
      file: 'ollama-chat-error-line.ndjson',
      headers: NDJSON,
      check(error: ProviderError) {
        expect(error.providerMessage).toBe('an error was encountered while running the model: unexpected EOF');
        expect(error.line).toBeGreaterThan(1);
      },
    },
  ];

  test.each(cases)('$name, from a Response', async ({ file, headers, check }) => {
    const error = await failure(assemble(new Response(recording(file), { headers })));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.code).toBe('provider');
    check(error as ProviderError);
    expect(error.message).toContain((error as ProviderError).providerMessage);
    expect(error.partial).toStrictEqual(expected(file).partial);
  });

  test.each(cases)('$name, from a real HTTP server through fetch, in small pieces', async ({ file, headers, check }) => {
    const pending = failure(assemble(fetch(server.url)));
    const closed = serve(200, headers, recording(file), 61);
    const error = await pending;
    expect(error).toBeInstanceOf(ProviderError);
    check(error as ProviderError);
    expect(error.partial).toStrictEqual(expected(file).partial);
    await closed;
  });

  test('a status inside the error payload is the status; the partial object is attached', async () => {
    const chunk = '{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"Par"},"finish_reason":null}]}';
    const body = `data: ${chunk}\n\ndata: {"error":{"message":"Upstream overloaded","type":"overloaded_error","code":"overloaded","status_code":529}}\n\n`;
    const error = (await failure(assemble(new Response(body, { headers: SSE })))) as ProviderError;
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ providerMessage: 'Upstream overloaded', status: 529, providerCode: 'overloaded', event: 2 });
    expect(error.message).toBe('Provider error (overloaded_error/overloaded) [status 529]: Upstream overloaded');
    expect((error.partial as any).choices[0].message.content).toBe('Par');
  });

  test('a vLLM error object and an OpenRouter finish_reason "error" chunk are ProviderErrors too', async () => {
    const chunk = '{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"Par"},"finish_reason":null}]}';
    const vllm = `data: ${chunk}\n\ndata: {"object":"error","message":"maximum context length is 4096 tokens","type":"BadRequestError","param":null,"code":400}\n\n`;
    const vllmError = (await failure(assemble(vllm))) as ProviderError;
    expect(vllmError).toMatchObject({ code: 'provider', providerMessage: 'maximum context length is 4096 tokens', status: 400 });
    expect((vllmError.partial as any).choices[0].message.content).toBe('Par');
    const openrouter = `data: ${chunk}\n\ndata: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","error":{"message":"Provider returned error","code":502},"choices":[{"index":0,"delta":{"content":""},"finish_reason":"error"}]}\n\n`;
    const routerError = (await failure(assemble(openrouter))) as ProviderError;
    expect(routerError).toMatchObject({ code: 'provider', providerMessage: 'Provider returned error', status: 502 });
    expect((routerError.partial as any).choices[0].message.content).toBe('Par');
  });

  test('streamResponse: every consumer sees the same ProviderError, the snapshot keeps the partial object', async () => {
    const stream = streamResponse(new Response(recording('openai-midstream-error.sse'), { headers: SSE }));
    const seen: unknown[] = [];
    const errors: unknown[] = [];
    stream.text$.subscribe({ next: (t) => seen.push(t), error: (e) => errors.push(e) });
    const error = await failure(stream.final);
    expect(errors).toEqual([error]);
    expect(error).toBeInstanceOf(ProviderError);
    expect(stream.snapshot()).toStrictEqual(expected('openai-midstream-error.sse').partial);
    expect(seen.at(-1)).toBe(expected('openai-midstream-error.sse').partial.choices[0].message.content);
  });
});

describe('HTTP errors: an HttpError with the status and the provider message', () => {
  const cases: Array<{ name: string; status: number; headers: Record<string, string>; body: string; check(e: HttpError): void }> = [
    {
      name: '401 with an OpenAI error',
      status: 401,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ error: { message: 'Incorrect API key provided: sk-abc***xyz.', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } }),
      check(e) {
        expect(e).toMatchObject({ providerMessage: 'Incorrect API key provided: sk-abc***xyz.', providerType: 'invalid_request_error', providerCode: 'invalid_api_key' });
      },
    },
    {
      name: '404 with an Ollama error',
      status: 404,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ error: 'model "llama9" not found, try pulling it first' }),
      check(e) {
        expect(e.providerMessage).toBe('model "llama9" not found, try pulling it first');
      },
    },
    {
      name: '429 with retry-after seconds',
      status: 429,
      headers: { 'content-type': 'application/json', 'retry-after': '7', 'x-ratelimit-remaining-requests': '0' },
      body: JSON.stringify({ error: { message: 'Rate limit reached for requests', type: 'requests', code: 'rate_limit_exceeded' } }),
      check(e) {
        expect(e).toMatchObject({ retryAfter: 7, providerCode: 'rate_limit_exceeded', providerMessage: 'Rate limit reached for requests' });
        expect(e.headers['x-ratelimit-remaining-requests']).toBe('0');
      },
    },
    {
      name: '429 with a retry-after date',
      status: 429,
      headers: { 'content-type': 'application/json', 'retry-after': new Date(Date.now() + 30_000).toUTCString() },
      body: JSON.stringify({ error: { message: 'Slow down' } }),
      check(e) {
        expect(e.retryAfter).toBeGreaterThanOrEqual(25);
        expect(e.retryAfter).toBeLessThanOrEqual(31);
      },
    },
    {
      name: '500 with an HTML page',
      status: 500,
      headers: { 'content-type': 'text/html' },
      body: '<!DOCTYPE html><html><head><title>500 Internal Server Error</title></head><body><h1>Internal Server Error</h1><p>The server encountered an internal error.</p></body></html>',
      check(e) {
        expect(e.providerMessage).toBeUndefined();
        expect(e.message).toContain('Internal Server Error');
        expect(e.message).not.toContain('<h1>');
        expect(e.body).toContain('<h1>Internal Server Error</h1>');
      },
    },
    {
      name: "502 with a proxy's plain text",
      status: 502,
      headers: { 'content-type': 'text/plain' },
      body: 'upstream connect error or disconnect/reset before headers. reset reason: connection termination',
      check(e) {
        expect(e.message).toContain('upstream connect error or disconnect/reset before headers');
      },
    },
    {
      name: '503 with an empty body',
      status: 503,
      headers: {},
      body: '',
      check(e) {
        expect(e.message).toMatch(/^HTTP 503/);
        expect(e.body).toBe('');
      },
    },
  ];

  test.each(cases)('$name, as a Response', async ({ status, headers, body, check }) => {
    const error = (await failure(assemble(new Response(body, { status, headers })))) as HttpError;
    expect(error).toBeInstanceOf(HttpError);
    expect(error.code).toBe('http');
    expect(error.status).toBe(status);
    expect(error.message).toMatch(new RegExp(`^HTTP ${status}`));
    expect(error.partial).toBeUndefined();
    check(error);
  });

  test.each(cases)('$name, from a real HTTP server through fetch', async ({ status, headers, body, check }) => {
    const pending = failure(assemble(fetch(server.url)));
    const closed = serve(status, headers, body, 40);
    const error = (await pending) as HttpError;
    expect(error).toBeInstanceOf(HttpError);
    expect(error.status).toBe(status);
    expect(error.message).toContain(server.url);
    check(error);
    await closed;
  });

  test.each(cases.slice(0, 3))('$name, through streamResponse: final and every observable fail with it', async ({ status, headers, body }) => {
    const stream = streamResponse(new Response(body, { status, headers }));
    const fromEvents = new Promise<unknown>((resolve) => stream.events$.subscribe({ error: resolve }));
    const error = await failure(stream.final);
    expect(error).toBeInstanceOf(HttpError);
    expect(await fromEvents).toBe(error);
    expect(stream.snapshot()).toBeUndefined();
  });

  test('a 10 MB error page is read only up to 64 KiB, and the connection is closed', async () => {
    const pending = failure(assemble(fetch(server.url)));
    const exchange = await server.nextExchange();
    exchange.head(500, { 'content-type': 'text/html' });
    const block = `<p>${'x'.repeat(16 * 1024 - 7)}</p>`;
    let written = 0;
    for (let i = 0; i < 640 && !exchange.response.destroyed; i++) {
      await Promise.race([exchange.write(block).catch(() => {}), exchange.closed]);
      written += block.length;
    }
    const error = (await pending) as HttpError;
    expect(error).toBeInstanceOf(HttpError);
    expect(error.body.length).toBeLessThanOrEqual(64 * 1024);
    expect(await exchange.closed).toEqual({ byClient: true });
    expect(written).toBeLessThan(10 * 1024 * 1024);
  });

  test('a 200 with an HTML content type is not read as a stream', async () => {
    const error = await failure(assemble(new Response('<html>login</html>', { status: 200, headers: { 'content-type': 'text/html' } })));
    expect(error.code).toBe('http');
    expect(error.message).toContain('text/html');
  });

  test('a refused connection is a typed error, not a raw TypeError from fetch', async () => {
    const closed = await startTestServer();
    const url = closed.url;
    await closed.close();
    const error = await failure(assemble(fetch(url)));
    expect(error.code).toBe('network');
    expect(error.message.length).toBeGreaterThan(10);
  });
});
