import { lastValueFrom, of, toArray } from 'rxjs';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { HttpError, IdleTimeoutError, ProviderError, UsageError, assemble, idleTimeout, streamEvents, streamResponse } from '../../src/index.js';
import { failure } from '../helpers/robustness-corpus.js';

/*
 * Regression tests for the core items of issue 19 (hardening), each one a case that failed on
 * the code the issue was filed against (6555755): a deep error object that killed the process,
 * idle timeouts past the longest timer that fired at once, pieces that are not bytes that left
 * assemble() unsettled, a 200 login page read as a bare ChunkwiseError. Option checks at the
 * entries are in test/sources/check-options.test.ts, slots and indexes in test/adversarial/.
 */

const nested = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

describe('issue 19 item 1: a deeply nested error object', () => {
  // 5,000 levels made JSON.stringify throw RangeError outside any promise chain (NDJSON) or
  // came out as a network error (SSE); 150,000 is past the depth limit, and still the provider's error.
  test.each([5_000, 150_000])('%d levels: the same ProviderError as an NDJSON line and as an SSE data line, with a bounded message', async (depth) => {
    const payload = `{"error":${nested(depth)}}`;
    const errors = [];
    for (const body of [`${payload}\n`, `data: ${payload}\n\n`]) {
      const error = await failure(assemble(body));
      expect(error).toBeInstanceOf(ProviderError);
      expect(error.code).toBe('provider');
      expect(error.message.length).toBeLessThan(400);
      errors.push(error as ProviderError);
    }
    expect(errors[0]!.providerMessage).toBe(errors[1]!.providerMessage);
    expect(errors[0]!.line).toBe(1);
    expect(errors[1]!.event).toBe(1);
  });

  test('after content, through streamResponse: final and events$ fail with the ProviderError, the partial text kept', async () => {
    const body = `{"model":"m","created_at":"t","message":{"role":"assistant","content":"Hi"},"done":false}\n{"error":${nested(5_000)}}\n`;
    const stream = streamResponse(body);
    const fromEvents = lastValueFrom(stream.events$.pipe(toArray())).catch((e: unknown) => e);
    const error = await failure(stream.final);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.line).toBe(2);
    expect(error.partial).toMatchObject({ message: { content: 'Hi' } });
    expect(await fromEvents).toBe(error);
  });
});

describe('issue 19 item 6: idle timeouts past the longest timer', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  test.each([2 ** 31, 2 ** 32, Number.MAX_SAFE_INTEGER])('idleTimeoutMs %d is a UsageError naming the option and the value, at the call', async (ms) => {
    const calls: Array<() => unknown> = [
      () => assemble('data: [DONE]\n\n', { idleTimeoutMs: ms }),
      () => streamEvents('data: [DONE]\n\n', { idleTimeoutMs: ms }),
      () => streamResponse('data: [DONE]\n\n', { idleTimeoutMs: ms }),
      () => idleTimeout(ms),
    ];
    for (const call of calls) {
      // assemble is async (its check rejects the promise); the others throw at the call.
      const thrown = await Promise.resolve().then(call).then(() => undefined, (e: unknown) => e);
      expect(thrown).toBeInstanceOf(UsageError);
      expect((thrown as Error).message).toContain('idleTimeoutMs');
      expect((thrown as Error).message).toContain(String(ms));
    }
  });

  test('the longest timer (2^31 - 1 ms) and Infinity do not fire while bytes are late by minutes (fake timers overflow as real ones do)', async () => {
    vi.useFakeTimers();
    for (const idleTimeoutMs of [2 ** 31 - 1, Infinity]) {
      let release!: () => void;
      const late = new Promise<void>((resolve) => (release = resolve));
      async function* body() {
        yield 'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}\n\n';
        await late;
        yield 'data: [DONE]\n\n';
      }
      let settled: unknown;
      const done = assemble(body(), { idleTimeoutMs }).then(
        (value) => (settled = value),
        (error: unknown) => (settled = error),
      );
      await vi.advanceTimersByTimeAsync(10 * 60_000);
      expect(settled).toBeUndefined();
      release();
      await done;
      expect(settled).not.toBeInstanceOf(IdleTimeoutError);
      expect((settled as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content).toBe('Hi');
    }
  });
});

describe('issue 19 item 7: pieces that are not bytes', () => {
  const pieces: Array<[string, unknown, RegExp]> = [
    ['a number', 5, /a number \(5\)/],
    ['null', null, /null/],
    ['undefined', undefined, /nothing/],
    ['an object', { a: 1 }, /an object/],
    ['an array', [1, 2], /an array/],
    ['an ArrayBuffer', new ArrayBuffer(4), /ArrayBuffer/],
    ['a Uint16Array', new Uint16Array(2), /Uint16Array/],
    ['a boolean', true, /a boolean \(true\)/],
  ];
  const sources: Array<[string, (piece: unknown) => unknown]> = [
    ['an Iterable', (piece) => ['data: ', piece]],
    ['an AsyncIterable', (piece) => (async function* () {
      yield 'data: ';
      yield piece;
    })()],
    ['a ReadableStream', (piece) => new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('data: '));
        controller.enqueue(piece);
        controller.close();
      },
    })],
    ['an Observable', (piece) => of('data: ', piece)],
  ];

  test.each(sources)('from %s: a UsageError naming the piece, its type and the offset', async (_name, source) => {
    for (const [, piece, type] of pieces) {
      const error = await failure(assemble(source(piece) as never));
      expect(error).toBeInstanceOf(UsageError);
      expect(error.message).toMatch(/^Piece 2 of the byte source is /);
      expect(error.message).toMatch(type);
      expect(error.message).toContain('after 6 bytes');
      expect(error.offset).toBe(6);
    }
  });
});

describe('issue 19 item 8: a 200 that is not a stream', () => {
  const LOGIN = '<!DOCTYPE html><html><head><title>Wi-Fi login</title></head><body>\u001b]0;owned\u0007<form>Sign in</form></body></html>';

  test.each(['text/html', 'text/html; charset=utf-8', 'application/octet-stream', 'text/plain'])('%s with an HTML page: an HttpError naming the status and content type, with an escaped excerpt', async (type) => {
    const error = (await failure(assemble(new Response(LOGIN, { status: 200, headers: { 'content-type': type } })))) as HttpError;
    expect(error).toBeInstanceOf(HttpError);
    expect(error.code).toBe('http');
    expect(error.status).toBe(200);
    expect(error.message).toMatch(/^HTTP 200/);
    expect(error.message).toContain(`"${type}"`);
    expect(error.message).toContain('Wi-Fi login');
    // No byte from the body can drive the terminal that shows the message.
    expect(error.message).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(error.message).toContain('\\x1b]0;owned\\x07');
    expect(error.excerpt).toContain('\\x1b]0;owned\\x07');
    expect(error.excerpt).toContain('<title>');
    expect(error.body).toBe(LOGIN);
  });

  test('a mislabelled 200 whose bytes start an SSE stream is still read as one', async () => {
    const body = 'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n';
    const final = (await assemble(new Response(body, { status: 200, headers: { 'content-type': 'text/plain' } }))) as { choices: Array<{ message: { content: string } }> };
    expect(final.choices[0]!.message.content).toBe('Hi');
  });
});
