import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { fromSource } from '../../src/sources/from-source.js';
import { describeResponse } from '../../src/replay/response-meta.js';
import type { Recording } from '../../src/replay/recording.js';
import { replayAsReadableStream, replayResponse } from '../../src/replay/replay-response.js';
import { toReadableStream } from '../../src/replay/to-readable-stream.js';

const encode = (text: string) => new TextEncoder().encode(text);
const text = 'data: {"a":1}\n\ndata: [DONE]\n\n';
const recording: Recording = {
  body: encode(text),
  pieces: [
    { offset: 0, length: 15, at: 0 },
    { offset: 15, length: 14, at: 20 },
  ],
  meta: {
    status: 200,
    statusText: 'OK',
    contentType: 'text/event-stream; charset=utf-8',
    headers: { 'content-type': 'text/event-stream; charset=utf-8', 'content-length': '999', 'content-encoding': 'gzip', 'x-request-id': 'req_1' },
  },
};

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string[]> {
  const parts: string[] = [];
  const reader = stream.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) parts.push(new TextDecoder().decode(read.value));
  return parts;
}

describe('replayResponse', () => {
  it('answers with the recorded status and headers, dropping length and encoding', () => {
    const response = replayResponse(recording);
    expect(response.status).toBe(200);
    expect(response.statusText).toBe('OK');
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('x-request-id')).toBe('req_1');
    expect(response.headers.get('content-length')).toBeNull();
    expect(response.headers.get('content-encoding')).toBeNull();
  });

  it('streams the body with the recorded piece boundaries', async () => {
    const response = replayResponse(recording, { speed: 10 });
    expect(await readAll(response.body!)).toEqual(['data: {"a":1}\n\n', 'data: [DONE]\n\n']);
  });

  it('guesses the content type from the body when none was recorded', () => {
    expect(replayResponse({ body: encode('{"done":true}\n') }).headers.get('content-type')).toBe('application/x-ndjson');
    expect(replayResponse({ body: encode('data: x\n\n') }).headers.get('content-type')).toBe('text/event-stream');
  });

  it('replays an HTTP error response with its status, so fromSource raises an HttpError', async () => {
    const response = replayResponse({ body: encode('{"error":{"message":"Rate limit reached","type":"requests"}}'), meta: { status: 429, contentType: 'application/json' } });
    expect(response.ok).toBe(false);
    await expect(new Promise<void>((resolve, reject) => fromSource(response).subscribe({ complete: () => resolve(), error: reject }))).rejects.toMatchObject({ code: 'http', status: 429 });
  });

  it('is read by fromSource byte for byte', async () => {
    const pieces: Uint8Array[] = [];
    await new Promise<void>((resolve, reject) =>
      fromSource(replayResponse(recording, { timing: 'instant' }), { expect: 'sse' }).subscribe({ next: (p) => pieces.push(p), error: reject, complete: resolve }),
    );
    expect(pieces.map((piece) => new TextDecoder().decode(piece)).join('')).toBe(text);
  });
});

describe('replayAsReadableStream', () => {
  it('reads the whole recording', async () => {
    expect((await readAll(replayAsReadableStream(recording, { timing: 'instant' }))).join('')).toBe(text);
  });
});

describe('describeResponse', () => {
  it('takes status, headers, content type and the request model, redacting secrets', () => {
    const response = new Response('', { status: 200, headers: { 'content-type': 'application/x-ndjson', 'set-cookie': 'session=1' } });
    const meta = describeResponse(response, { provider: 'ollama', url: 'http://localhost:11434/api/chat', body: JSON.stringify({ model: 'llama3.2', api_key: 'x', stream: true }) });
    expect(meta).toMatchObject({
      provider: 'ollama',
      endpoint: 'http://localhost:11434/api/chat',
      method: 'POST',
      status: 200,
      contentType: 'application/x-ndjson',
      model: 'llama3.2',
      headers: { 'content-type': 'application/x-ndjson', 'set-cookie': '[redacted]' },
      requestBody: { model: 'llama3.2', api_key: '[redacted]', stream: true },
    });
    expect(typeof meta.recordedAt).toBe('string');
  });
});

describe('toReadableStream', () => {
  it('subscribes on the first read, not before, and unsubscribes on cancel', async () => {
    const source = new Subject<Uint8Array>();
    const stream = toReadableStream(source);
    await tick();
    expect(source.observed).toBe(false);
    const reader = stream.getReader();
    const first = reader.read();
    await tick();
    expect(source.observed).toBe(true);
    source.next(encode('x'));
    expect(new TextDecoder().decode((await first).value)).toBe('x');
    await reader.cancel();
    expect(source.observed).toBe(false);
  });

  it('passes errors to the reader', async () => {
    const source = new Subject<Uint8Array>();
    const reader = toReadableStream(source).getReader();
    const read = reader.read();
    await tick();
    source.error(new Error('boom'));
    await expect(read).rejects.toThrow('boom');
  });
});
