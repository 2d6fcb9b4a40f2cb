import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { Observable, Subject, of, take } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { AbortError, ChunkwiseError, HttpError, LimitError, UsageError } from '../../src/errors.js';
import { fromSource } from '../../src/sources/from-source.js';

const REFERENCE = new URL('../fixtures/reference-streams/', import.meta.url);
const utf8 = (text: string) => new TextEncoder().encode(text);
const text = (pieces: Uint8Array[]) => new TextDecoder().decode(Buffer.concat(pieces));

interface Settled {
  pieces: Uint8Array[];
  error?: unknown;
  completed: boolean;
}

/** Subscribes and waits for the end: every piece, and the error if there was one. */
function settle(source: Observable<Uint8Array>): Promise<Settled> {
  return new Promise((resolve) => {
    const out: Settled = { pieces: [], completed: false };
    source.subscribe({
      next: (piece) => out.pieces.push(piece),
      error: (error) => resolve({ ...out, error }),
      complete: () => resolve({ ...out, completed: true }),
    });
  });
}

/**
 * A web stream of the given pieces that records whether it was cancelled. An endless one then
 * sends 16 KiB per macrotask (never synchronously: that would starve the event loop).
 */
function recordedStream(pieces: string[], options: { endless?: boolean } = {}) {
  const record = { cancelled: false, pulls: 0 };
  let i = 0;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      record.pulls++;
      if (i < pieces.length) controller.enqueue(utf8(pieces[i++]!));
      else if (options.endless) {
        await new Promise((resolve) => setImmediate(resolve));
        controller.enqueue(new Uint8Array(16 * 1024).fill(0x78)); // "x"
      } else controller.close();
    },
    cancel() {
      record.cancelled = true;
    },
  });
  return { stream, record };
}

const sse = (body: BodyInit | null, init: ResponseInit = {}) =>
  new Response(body, { status: 200, ...init, headers: { 'content-type': 'text/event-stream; charset=utf-8', ...(init.headers as Record<string, string>) } });

// Named error bodies, as providers and proxies send them.
const OPENAI_401 =
  '{\n    "error": {\n        "message": "Incorrect API key provided: sk-abc. You can find your API key at https://platform.openai.com/account/api-keys.",\n        "type": "invalid_request_error",\n        "param": null,\n        "code": "invalid_api_key"\n    }\n}\n';
const OPENAI_429 = '{"error":{"message":"Rate limit reached for gpt-4o in organization org-x on tokens per min (TPM): Limit 30000, Used 29000, Requested 1500.","type":"tokens","param":null,"code":"rate_limit_exceeded"}}';
const OLLAMA_400 = readFileSync(new URL('ollama-chat-http400-error-body.ndjson', REFERENCE), 'utf8');
const NGINX_500 = '<html>\r\n<head><title>500 Internal Server Error</title></head>\r\n<body>\r\n<center><h1>500 Internal Server Error</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';
const ENVOY_503 = 'upstream connect error or disconnect/reset before headers. reset reason: connection failure';

describe('fromSource: what it accepts', () => {
  it('a 2xx Response streams its body bytes, piece by piece', async () => {
    const { stream } = recordedStream(['data: 1\n\n', 'data: [DONE]\n\n']);
    const out = await settle(fromSource(sse(stream)));
    expect(out.completed).toBe(true);
    expect(out.pieces.map((p) => new TextDecoder().decode(p))).toEqual(['data: 1\n\n', 'data: [DONE]\n\n']);
  });

  it('a Promise of a Response is awaited first', async () => {
    const out = await settle(fromSource(Promise.resolve(sse('data: 1\n\n'))));
    expect(text(out.pieces)).toBe('data: 1\n\n');
  });

  it('a web ReadableStream streams its pieces', async () => {
    const { stream } = recordedStream(['{"n":1}\n', '{"n":2}\n']);
    expect(text((await settle(fromSource(stream))).pieces)).toBe('{"n":1}\n{"n":2}\n');
  });

  it('a Node Readable (an AsyncIterable of Buffers or strings) streams its pieces', async () => {
    const out = await settle(fromSource(Readable.from([Buffer.from('data: é'), 'tè\n\n'])));
    expect(out.completed).toBe(true);
    expect(out.pieces.every((p) => p instanceof Uint8Array)).toBe(true);
    expect(text(out.pieces)).toBe('data: étè\n\n');
  });

  it('a Promise of any other source (here a Node Readable) is awaited first', async () => {
    expect(text((await settle(fromSource(Promise.resolve(Readable.from(['{"n":1}\n']))))).pieces)).toBe('{"n":1}\n');
  });

  it('a rejected Promise fails with a ChunkwiseError carrying the reason', async () => {
    const reason = new TypeError('fetch failed');
    const { error } = await settle(fromSource(Promise.reject(reason)));
    expect(error).toBeInstanceOf(ChunkwiseError);
    expect((error as ChunkwiseError).cause).toBe(reason);
  });

  it('an async generator of strings streams them as UTF-8', async () => {
    async function* pieces() {
      yield 'data: 世';
      yield '界\n\n';
    }
    expect(text((await settle(fromSource(pieces()))).pieces)).toBe('data: 世界\n\n');
  });

  it('an Iterable of pieces is read synchronously', () => {
    const seen: string[] = [];
    fromSource(['a', utf8('b'), 'c']).subscribe((p) => seen.push(new TextDecoder().decode(p)));
    expect(seen).toEqual(['a', 'b', 'c']);
  });

  it('an RxJS Observable of pieces (here a Subject, fed after subscribing) streams them, strings as UTF-8', async () => {
    const subject = new Subject<Uint8Array | string>();
    const settled = settle(fromSource(subject));
    subject.next('data: 世');
    subject.next(utf8('界\n\n'));
    subject.complete();
    const out = await settled;
    expect(out.completed).toBe(true);
    expect(text(out.pieces)).toBe('data: 世界\n\n');
    expect(out.pieces.map((p) => p.constructor)).toEqual([Uint8Array, Uint8Array]);
  });

  it('an Observable that emits synchronously is read at once, like an Iterable', () => {
    const seen: string[] = [];
    fromSource(of('a', utf8('b'))).subscribe((p) => seen.push(new TextDecoder().decode(p)));
    expect(seen).toEqual(['a', 'b']);
  });

  it('a whole string or Uint8Array is one piece', async () => {
    expect((await settle(fromSource('data: 1\n\n'))).pieces).toEqual([utf8('data: 1\n\n')]);
    expect((await settle(fromSource(utf8('{"n":1}')))).pieces).toEqual([utf8('{"n":1}')]);
  });

  it('something that is not a byte source is a usage error', async () => {
    const out = await settle(fromSource(42 as never));
    expect(out.error).toBeInstanceOf(ChunkwiseError);
    expect(out.error).toMatchObject({ code: 'usage' });
  });

  it('a Response whose body was already read is a usage error, not an empty stream', async () => {
    const response = sse('data: 1\n\n');
    await response.text();
    expect((await settle(fromSource(response))).error).toBeInstanceOf(UsageError);
  });

  it('a locked ReadableStream is a usage error', async () => {
    const { stream } = recordedStream(['x']);
    stream.getReader();
    expect((await settle(fromSource(stream))).error).toBeInstanceOf(UsageError);
  });

  it('onResponse sees the status and headers once, before any byte', async () => {
    const order: string[] = [];
    const source = fromSource(sse('data: 1\n\n'), { onResponse: (r) => order.push(`response ${r.status}`) });
    await new Promise<void>((resolve) => source.subscribe({ next: () => order.push('bytes'), complete: resolve }));
    expect(order).toEqual(['response 200', 'bytes']);
  });

  it('each subscription reads the source again (cold), here a string', async () => {
    const source = fromSource('abc');
    expect(text((await settle(source)).pieces)).toBe('abc');
    expect(text((await settle(source)).pieces)).toBe('abc');
  });
});

describe('fromSource: HTTP errors', () => {
  it('an OpenAI 401 is an HttpError with the status and the provider message, type and code', async () => {
    const response = new Response(OPENAI_401, { status: 401, statusText: 'Unauthorized', headers: { 'content-type': 'application/json' } });
    const { error } = await settle(fromSource(response));
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({
      code: 'http',
      status: 401,
      statusText: 'Unauthorized',
      providerMessage: expect.stringContaining('Incorrect API key provided'),
      providerType: 'invalid_request_error',
      providerCode: 'invalid_api_key',
      body: OPENAI_401,
    });
    expect((error as HttpError).message).toMatch(/^HTTP 401 Unauthorized: Incorrect API key provided/);
  });

  it('an Ollama 400 is an HttpError with the provider message', async () => {
    const { error } = await settle(fromSource(new Response(OLLAMA_400, { status: 400, headers: { 'content-type': 'application/json; charset=utf-8' } })));
    expect(error).toMatchObject({ status: 400, providerMessage: 'registry.ollama.ai/library/gemma3:1b does not support tools' });
  });

  it('a 429 carries the seconds of its retry-after header and its headers', async () => {
    const response = new Response(OPENAI_429, { status: 429, headers: { 'retry-after': '20', 'x-ratelimit-remaining-tokens': '0' } });
    const { error } = await settle(fromSource(response));
    expect(error).toMatchObject({ status: 429, retryAfter: 20, providerCode: 'rate_limit_exceeded', headers: { 'x-ratelimit-remaining-tokens': '0' } });
  });

  it('a 500 with an HTML page says what the page says, without the tags', async () => {
    const { error } = await settle(fromSource(new Response(NGINX_500, { status: 500, headers: { 'content-type': 'text/html' } })));
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).providerMessage).toBeUndefined();
    expect((error as HttpError).message).toBe('HTTP 500: 500 Internal Server Error 500 Internal Server Error nginx');
  });

  it("a proxy's plain-text 503 is quoted in the message", async () => {
    const { error } = await settle(fromSource(new Response(ENVOY_503, { status: 503, statusText: 'Service Unavailable' })));
    expect((error as HttpError).message).toBe(`HTTP 503 Service Unavailable: ${ENVOY_503}`);
  });

  it('an error body is read up to 64 KiB, then cancelled, even if it never ends', async () => {
    const { stream, record } = recordedStream(['<html>'], { endless: true });
    const { error } = await settle(fromSource(new Response(stream, { status: 502 })));
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).body).toHaveLength(64 * 1024);
    expect(record.cancelled).toBe(true);
  });

  it('unsubscribing while the error body is being read cancels it', async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(utf8('{"error":'));
      },
      cancel() {
        cancelled = true;
      },
    });
    const subscription = fromSource(new Response(stream, { status: 500 })).subscribe({ error: () => {} });
    await new Promise((resolve) => setTimeout(resolve, 0));
    subscription.unsubscribe();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(cancelled).toBe(true);
  });

  it('a 200 that is neither SSE nor NDJSON (an HTML page) is a clear error, and its body is cancelled', async () => {
    const { stream, record } = recordedStream(['<!doctype html><title>Sign in to the Wi-Fi</title>']);
    const { error } = await settle(fromSource(new Response(stream, { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' } })));
    expect(error).toBeInstanceOf(ChunkwiseError);
    expect(error).toMatchObject({ code: 'http' });
    expect((error as Error).message).toBe('HTTP 200: Expected a text/event-stream or NDJSON response but the content type is "text/html; charset=utf-8"; the body starts: Sign in to the Wi-Fi');
    expect(record.cancelled).toBe(true);
  });

  it('expect narrows the content types: NDJSON is refused where SSE is expected, and the other way round', async () => {
    const ndjson = () => new Response('{"n":1}\n', { headers: { 'content-type': 'application/x-ndjson' } });
    expect((await settle(fromSource(ndjson(), { expect: 'sse' }))).error).toMatchObject({ code: 'http' });
    expect((await settle(fromSource(ndjson(), { expect: 'ndjson' }))).completed).toBe(true);
    expect((await settle(fromSource(sse('data: 1\n\n'), { expect: 'ndjson' }))).error).toMatchObject({ code: 'http' });
  });

  it('a Response without a content type is read as it is', async () => {
    const response = new Response(utf8('data: 1\n\n'));
    response.headers.delete('content-type');
    expect((await settle(fromSource(response))).completed).toBe(true);
  });
});

describe('fromSource: limits and cancellation', () => {
  it('maxTotalBytes fails with a LimitError before passing on the piece that crosses it, and cancels the body', async () => {
    const { stream, record } = recordedStream(['12345', '67890', 'abcde', 'fghij']);
    const out = await settle(fromSource(sse(stream), { maxTotalBytes: 12 }));
    expect(text(out.pieces)).toBe('1234567890');
    expect(out.error).toBeInstanceOf(LimitError);
    expect(out.error).toMatchObject({ code: 'limit', limitName: 'maxTotalBytes', limit: 12, offset: 10 });
    expect(record.cancelled).toBe(true);
  });

  it('maxTotalBytes applies to a whole string too', async () => {
    expect((await settle(fromSource('x'.repeat(100), { maxTotalBytes: 99 }))).error).toBeInstanceOf(LimitError);
    expect((await settle(fromSource('x'.repeat(99), { maxTotalBytes: 99 }))).completed).toBe(true);
  });

  it('unsubscribing cancels the reader of a ReadableStream', async () => {
    const { stream, record } = recordedStream(['a'], { endless: true });
    const subscription = fromSource(stream).subscribe();
    await new Promise((resolve) => setTimeout(resolve, 0));
    subscription.unsubscribe();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(record.cancelled).toBe(true);
  });

  it('unsubscribing unsubscribes from a source Observable', () => {
    const record = { subscribed: 0, unsubscribed: 0 };
    const source = new Observable<string>(() => {
      record.subscribed++;
      return () => record.unsubscribed++;
    });
    const subscription = fromSource(source).subscribe();
    expect(record).toEqual({ subscribed: 1, unsubscribed: 0 });
    subscription.unsubscribe();
    expect(record).toEqual({ subscribed: 1, unsubscribed: 1 });
  });

  it('an endless synchronous Observable stops at the first piece after the consumer is done', () => {
    let sent = 0;
    const endless = new Observable<string>((subscriber) => {
      // (Capped, so that a failure here is a failed test rather than a hung one.)
      while (!subscriber.closed && sent < 1000) {
        sent++;
        subscriber.next('x');
      }
    });
    const seen: Uint8Array[] = [];
    fromSource(endless).pipe(take(3)).subscribe((piece) => seen.push(piece));
    expect(seen).toHaveLength(3);
    expect(sent).toBe(4);
  });

  it('an Observable source that errors fails with a ChunkwiseError whose cause is the error', async () => {
    const boom = new Error('socket hang up');
    const subject = new Subject<string>();
    const settled = settle(fromSource(subject));
    subject.next('data: 1\n\n');
    subject.error(boom);
    const out = await settled;
    expect(text(out.pieces)).toBe('data: 1\n\n');
    expect(out.error).toBeInstanceOf(ChunkwiseError);
    expect((out.error as ChunkwiseError).cause).toBe(boom);
  });

  it('an aborted signal fails at once with an AbortError carrying the reason', async () => {
    const reason = new Error('user pressed stop');
    const { stream, record } = recordedStream(['a']);
    const out = await settle(fromSource(stream, { signal: AbortSignal.abort(reason) }));
    expect(out.error).toBeInstanceOf(AbortError);
    expect((out.error as AbortError).cause).toBe(reason);
    expect(record.pulls).toBe(1); // the stream's own start-up pull; nothing was read
  });

  it('aborting mid-stream cancels the reader and fails with an AbortError', async () => {
    const { stream, record } = recordedStream(['a'], { endless: true });
    const controller = new AbortController();
    const settled = settle(fromSource(stream, { signal: controller.signal }));
    await new Promise((resolve) => setTimeout(resolve, 0));
    controller.abort();
    expect((await settled).error).toBeInstanceOf(AbortError);
    expect(record.cancelled).toBe(true);
  });

  it('a source that fails mid-stream fails with a ChunkwiseError whose cause is the original error', async () => {
    const boom = new TypeError('terminated');
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(utf8('data: 1\n\n'));
        controller.error(boom);
      },
    });
    const out = await settle(fromSource(stream));
    expect(out.error).toBeInstanceOf(ChunkwiseError);
    expect((out.error as ChunkwiseError).cause).toBe(boom);
  });
});
