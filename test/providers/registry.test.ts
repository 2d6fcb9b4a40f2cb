// The wire-format registry and the two stages of detection (transport from the content type or
// the first bytes, provider from the first payload), asked through every public path that
// detects: assemble() on bytes, pieces and Responses, bodyFormat() on recordings, and serve's paths.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ChunkwiseError, ProviderError, TruncatedStreamError, UsageError, assemble } from '../../src/index.js';
import { detectBody } from '../../src/providers/detect.js';
import {
  PROVIDER_NAMES,
  SERVED_ENDPOINTS,
  defaultProvider,
  endpointsForPayloads,
  providerFromFirstPayload,
  requestStreams,
  servedEndpoint,
  transportOfProvider,
} from '../../src/providers/registry.js';
import { bodyFormat } from '../../src/replay/message-boundaries.js';
import {
  createTransportSniffer,
  mediaTypeOf,
  stripRecordingExtension,
  transportFromContentType,
  transportFromExtension,
  transportFromFirstBytes,
  transportOfBody,
} from '../../src/transports/transport-table.js';

const RECORDINGS = join(__dirname, '../../recordings');
const bytes = (text: string) => new TextEncoder().encode(text);
const BOM = [0xef, 0xbb, 0xbf];
const withBom = (text: string) => new Uint8Array([...BOM, ...bytes(text)]);

const CHUNK = '{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"hi"},"finish_reason":"stop"}]}';
const SSE = `data: ${CHUNK}\n\ndata: [DONE]\n\n`;
const OLLAMA = '{"model":"m","created_at":"2025-01-01T00:00:00Z","message":{"role":"assistant","content":"hi"},"done":false}\n{"model":"m","created_at":"2025-01-01T00:00:01Z","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop"}\n';

describe('transport from the content type', () => {
  it.each([
    ['text/event-stream', 'sse'],
    ['text/event-stream; charset=utf-8', 'sse'],
    ['Text/Event-Stream;charset=UTF-8', 'sse'],
    ['  text/event-stream  ', 'sse'],
    ['application/x-ndjson', 'ndjson'],
    ['application/x-ndjson; charset=utf-8', 'ndjson'],
    ['APPLICATION/NDJSON', 'ndjson'],
    ['application/jsonl', 'ndjson'],
    ['application/json-lines', 'ndjson'],
    ['application/json; charset=utf-8', 'ndjson'],
    ['text/html', undefined],
    ['text/html; charset=utf-8', undefined],
    ['text/plain', undefined],
    ['application/problem+json', undefined],
    ['application/octet-stream', undefined],
    ['', undefined],
    [';charset=utf-8', undefined],
  ] as const)('%j → %s', (type, transport) => {
    expect(transportFromContentType(type)).toBe(transport);
  });

  it('has no opinion without a content type', () => {
    expect(transportFromContentType(null)).toBeUndefined();
    expect(transportFromContentType(undefined)).toBeUndefined();
    expect(mediaTypeOf('Text/Event-Stream; charset=utf-8')).toBe('text/event-stream');
  });
});

describe('transport from the first bytes', () => {
  it.each([
    ['data: {}', 'sse'],
    ['event: message\ndata: {}', 'sse'],
    [': keep-alive\n\ndata: {}', 'sse'],
    [':\n\n', 'sse'],
    ['retry: 3000\n', 'sse'],
    ['id: 1\n', 'sse'],
    ['{"model":"m"}', 'ndjson'],
    ['[1]', 'ndjson'],
    ['\n\n\r\n  \t{"model":"m"}', 'ndjson'],
    ['\r\n\r\ndata: x', 'sse'],
    ['<!DOCTYPE html>', 'sse'],
  ] as const)('%j → %s', (text, transport) => {
    expect(transportFromFirstBytes(bytes(text))).toBe(transport);
    expect(transportFromFirstBytes(withBom(text))).toBe(transport);
  });

  it('waits while only blank space or a BOM (whole or cut) has arrived', () => {
    expect(transportFromFirstBytes(new Uint8Array())).toBeUndefined();
    expect(transportFromFirstBytes(bytes(' \n\r\n\t'))).toBeUndefined();
    expect(transportFromFirstBytes(new Uint8Array([0xef]))).toBeUndefined();
    expect(transportFromFirstBytes(new Uint8Array([0xef, 0xbb]))).toBeUndefined();
    expect(transportFromFirstBytes(new Uint8Array(BOM))).toBeUndefined();
    // A lone 0xEF followed by something else is no BOM: not JSON, so SSE (whose decoder then rejects it).
    expect(transportFromFirstBytes(new Uint8Array([0xef, 0x41]))).toBe('sse');
  });

  it('the sniffer sees a BOM cut across pieces, and blank pieces, as one head', () => {
    for (const cut of [1, 2, 3]) {
      const body = withBom('\n{"a":1}\n');
      const sniffer = createTransportSniffer();
      const pieces = [body.subarray(0, cut), body.subarray(cut, 4), body.subarray(4)].filter((p) => p.byteLength > 0);
      const results = pieces.map((p) => sniffer.push(p));
      expect(results.at(-1)).toBe('ndjson');
      expect(results.slice(0, -1).every((r) => r === undefined)).toBe(true);
      expect(sniffer.take().reduce((n, p) => n + p.byteLength, 0)).toBe(body.byteLength);
    }
    const sniffer = createTransportSniffer();
    for (let i = 0; i < 10; i++) expect(sniffer.push(bytes('\n'))).toBeUndefined();
    expect(sniffer.push(bytes('data: x'))).toBe('sse');
  });

  it('a whole body: the content type wins over the bytes, an empty body is SSE', () => {
    expect(transportOfBody(bytes(SSE), 'application/x-ndjson')).toBe('ndjson');
    expect(transportOfBody(bytes(OLLAMA), 'text/event-stream')).toBe('sse');
    expect(transportOfBody(bytes(OLLAMA), 'text/html')).toBe('ndjson');
    expect(transportOfBody(bytes(''), undefined)).toBe('sse');
    expect(transportOfBody(bytes('\n\n'), null)).toBe('sse');
  });
});

describe('provider from the first payload', () => {
  it('is the transport default when no entry claims the payload, and never a named-only one', () => {
    expect(providerFromFirstPayload('sse', { payload: JSON.parse(CHUNK) })).toBe('openai');
    expect(providerFromFirstPayload('sse', undefined)).toBe('openai');
    // The Responses API: from the `event:` name, or from the JSON `type` when no `event:` line came.
    expect(providerFromFirstPayload('sse', { payload: { type: 'response.created', response: {} }, event: 'response.created' })).toBe('openai-responses');
    expect(providerFromFirstPayload('sse', { payload: { type: 'response.in_progress' } })).toBe('openai-responses');
    expect(providerFromFirstPayload('sse', { payload: {}, event: 'response.created' })).toBe('openai-responses');
    expect(providerFromFirstPayload('sse', { payload: { type: 'message_start' } })).toBe('openai');
    expect(providerFromFirstPayload('ndjson', { payload: { model: 'm', done: true } })).toBe('ollama');
    expect(defaultProvider('sse')).toBe('openai');
    expect(defaultProvider('ndjson')).toBe('ollama');
    expect(providerFromFirstPayload('sse', { payload: { x_groq: {} } })).not.toBe('groq');
  });

  it('every provider has a transport and the names are unique', () => {
    expect(new Set(PROVIDER_NAMES).size).toBe(PROVIDER_NAMES.length);
    for (const name of PROVIDER_NAMES) expect(['sse', 'ndjson']).toContain(transportOfProvider(name));
  });

  it('detectBody finds the transport, provider and first payloads of every recording, as its extension and sidecar say', () => {
    const files = readdirSync(RECORDINGS).filter((f) => transportFromExtension(f) !== undefined);
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const body = new Uint8Array(readFileSync(join(RECORDINGS, file)));
      const detected = detectBody(body);
      expect(detected.transport, file).toBe(transportFromExtension(file));
      expect(detected.provider, file).toBe(detected.transport === 'sse' ? 'openai' : 'ollama');
      expect(bodyFormat({ body }), file).toBe(detected.transport);
      expect(stripRecordingExtension(file), file).not.toMatch(/\.(sse|ndjson|jsonl)$/);
    }
  });
});

describe('assemble() detects through both stages', () => {
  it('past a BOM, blank lines, comments and keep-alives', async () => {
    const sse: any = await assemble(withBom(`\n\n: ping\n\nevent: ping\ndata: {}\n\n${SSE}`));
    expect(sse.choices[0].message.content).toBe('hi');
    const ollama: any = await assemble(withBom(`\r\n\n${OLLAMA}`));
    expect(ollama.message.content).toBe('hi');
  });

  it('with a BOM cut across pieces, and the transport decided only by a later piece', async () => {
    for (const body of [withBom(SSE), withBom(`\n\n${OLLAMA}`)]) {
      for (const cut of [1, 2, 3, 4, 5]) {
        const final: any = await assemble([body.subarray(0, cut), body.subarray(cut)]);
        expect(final.choices?.[0].message.content ?? final.message.content).toBe('hi');
      }
      const final: any = await assemble([...body].map((b) => new Uint8Array([b])));
      expect(final.choices?.[0].message.content ?? final.message.content).toBe('hi');
    }
  });

  it('from a Response content type with parameters and any case, over what the bytes look like', async () => {
    const ollama: any = await assemble(new Response(OLLAMA, { headers: { 'content-type': 'Application/X-NDJSON; charset=utf-8' } }));
    expect(ollama.done).toBe(true);
    const sse: any = await assemble(new Response(SSE, { headers: { 'content-type': 'TEXT/EVENT-STREAM;charset=utf-8' } }));
    expect(sse.object).toBe('chat.completion');
    // SSE bytes declared as NDJSON are read as NDJSON: the content type is the server's word.
    await expect(assemble(new Response(SSE, { headers: { 'content-type': 'application/x-ndjson' } }))).rejects.toBeInstanceOf(ChunkwiseError);
  });

  it('rejects text/html and other content types that carry neither transport', async () => {
    for (const type of ['text/html', 'text/html; charset=utf-8', 'text/plain']) {
      const error = await assemble(new Response('<html></html>', { headers: { 'content-type': type } })).catch((e) => e);
      expect(error).toBeInstanceOf(ChunkwiseError);
      expect(error.message).toBe(`HTTP 200: Expected a text/event-stream or NDJSON response but the content type is "${type}"`);
    }
    const named = await assemble(new Response(OLLAMA, { headers: { 'content-type': 'application/x-ndjson' } }), { provider: 'openai' }).catch((e) => e);
    expect(named.message).toBe('HTTP 200: Expected a text/event-stream response but the content type is "application/x-ndjson"');
  });

  it('JSON error bodies end in a ProviderError, however they are framed', async () => {
    for (const body of ['{"error":"model \\"x\\" not found"}', '{"error":{"message":"Invalid API key","type":"invalid_request_error"}}\n', `data: {"error":{"message":"overloaded","type":"server_error"}}\n\n`]) {
      const error = await assemble(body).catch((e) => e);
      expect(error, body).toBeInstanceOf(ProviderError);
      expect(error.partial, body).toBeUndefined();
    }
    const typed = await assemble(new Response('{"error":"boom"}', { headers: { 'content-type': 'application/json' } })).catch((e) => e);
    expect(typed).toBeInstanceOf(ProviderError);
  });

  it('an ambiguous body: empty or blank is a truncated stream of the SSE default, with no partial', async () => {
    for (const body of ['', '\n\n', '\uFEFF', ': ping\n\n']) {
      const error = await assemble(body).catch((e) => e);
      expect(error, JSON.stringify(body)).toBeInstanceOf(TruncatedStreamError);
      expect(error.partial).toBeUndefined();
    }
  });

  it('an unknown provider name is a UsageError naming the registry entries', async () => {
    const error = await assemble(SSE, { provider: 'nope' as never }).catch((e) => e);
    expect(error).toBeInstanceOf(UsageError);
    for (const name of PROVIDER_NAMES) expect(error.message).toContain(name);
  });
});

describe('the paths serve answers', () => {
  it('come from the registry, each with its provider, transport and stream rule', () => {
    expect(SERVED_ENDPOINTS.map((e) => [e.path, e.provider, e.transport])).toEqual([
      ['/v1/chat/completions', 'openai', 'sse'],
      ['/v1/responses', 'openai-responses', 'sse'],
      ['/api/chat', 'ollama', 'ndjson'],
      ['/api/generate', 'ollama', 'ndjson'],
    ]);
    expect(servedEndpoint('/chat/completions')?.path).toBe('/v1/chat/completions');
    expect(servedEndpoint('/openai/v1/chat/completions')?.path).toBe('/v1/chat/completions');
    expect(servedEndpoint('/api/generate')?.provider).toBe('ollama');
    expect(servedEndpoint('/openai/v1/responses')?.provider).toBe('openai-responses');
    expect(servedEndpoint('/v1/embeddings')).toBeUndefined();
    expect(servedEndpoint('/api/chat/x')).toBeUndefined();
    const chat = servedEndpoint('/v1/chat/completions')!;
    const ollama = servedEndpoint('/api/chat')!;
    expect([requestStreams(chat, true), requestStreams(chat, undefined), requestStreams(chat, false)]).toEqual([true, false, false]);
    expect([requestStreams(ollama, true), requestStreams(ollama, undefined), requestStreams(ollama, false)]).toEqual([true, true, false]);
  });

  it('a recording answers the paths its first payloads fit', () => {
    expect(endpointsForPayloads('ollama', [{ model: 'm', message: {} }])).toEqual(['/api/chat']);
    expect(endpointsForPayloads('ollama', [{ model: 'm', response: '' }])).toEqual(['/api/generate']);
    expect(endpointsForPayloads('ollama', [{ error: 'x' }])).toEqual(['/api/chat', '/api/generate']);
    expect(endpointsForPayloads('openai', [])).toEqual(['/v1/chat/completions']);
    expect(endpointsForPayloads('groq', [])).toEqual(['/v1/chat/completions']);
  });
});
