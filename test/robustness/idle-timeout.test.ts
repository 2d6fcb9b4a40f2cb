import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { IdleTimeoutError, assemble, streamEvents, streamResponse, type ChunkwiseError, type StreamEvent } from '../../src/index.js';
import { startTestServer, type TestServer } from '../helpers/http-server.js';
import { settle, timedSource, virtualClock } from '../helpers/robustness-clock.js';
import { asChunkwiseError } from '../helpers/robustness-corpus.js';

/*
 * Slow and stalled servers, on virtual time: `idleTimeoutMs` (with `scheduler`) ends a stream
 * that goes quiet with an IdleTimeoutError (code 'timeout') carrying the partial object, and
 * cancels the source; a slow but steady stream is not cut. No test waits on the wall clock:
 * the clock is an RxJS VirtualTimeScheduler (or vitest's fake timers for the default scheduler).
 */

const chunk = (content: string, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-s', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content }, logprobs: null, finish_reason: finish }] })}\n\n`;
const line = (content: string, done = false) => `${JSON.stringify({ model: 'm', created_at: 't', message: { role: 'assistant', content }, done, ...(done ? { done_reason: 'stop' } : {}) })}\n`;

interface Watched<T> {
  settled: boolean;
  value?: T;
  error?: ChunkwiseError;
  at?: number;
}

/** Follows a promise without awaiting it, noting the virtual time at which it settled. */
function watch<T>(promise: Promise<T>, now: () => number): Watched<T> {
  const w: Watched<T> = { settled: false };
  promise.then(
    (value) => Object.assign(w, { settled: true, value, at: now() }),
    (error) => Object.assign(w, { settled: true, error: asChunkwiseError(error), at: now() }),
  );
  return w;
}

describe('idleTimeoutMs on a VirtualTimeScheduler', () => {
  test('a server that stalls after two chunks: IdleTimeoutError at last byte + idle, with the partial object; the source is cancelled', async () => {
    const clock = virtualClock();
    const { stream, state } = timedSource(clock, [
      [100, chunk('Hel')],
      [400, chunk('lo')],
    ]);
    const result = watch(assemble(stream, { idleTimeoutMs: 1000, scheduler: clock.scheduler }), clock.now);
    await clock.advanceTo(1399);
    expect(result.settled).toBe(false);
    await clock.advanceTo(1400);
    expect(result.settled).toBe(true);
    expect(result.at).toBe(1400);
    expect(result.error).toBeInstanceOf(IdleTimeoutError);
    expect(result.error!.code).toBe('timeout');
    expect((result.error as IdleTimeoutError).idleMs).toBe(1000);
    expect((result.error!.partial as any).choices[0].message.content).toBe('Hello');
    expect(state.cancelled).toBe(true);
  });

  test('a server that never sends a byte: IdleTimeoutError at idle, no partial object', async () => {
    const clock = virtualClock();
    const { stream, state } = timedSource(clock, []);
    const result = watch(assemble(stream, { idleTimeoutMs: 30_000, scheduler: clock.scheduler }), clock.now);
    await clock.advanceTo(29_999);
    expect(result.settled).toBe(false);
    await clock.advanceTo(30_000);
    expect(result.error).toBeInstanceOf(IdleTimeoutError);
    expect(result.error!.partial).toBeUndefined();
    expect(state.cancelled).toBe(true);
  });

  test('a slow but steady server (a chunk every 900 ms, idle 1000 ms) is not cut, however long it takes', async () => {
    const clock = virtualClock();
    const words = Array.from({ length: 40 }, (_, i) => `w${i} `);
    const pieces: Array<[number, string]> = words.map((w, i) => [900 * (i + 1), chunk(w)]);
    pieces.push([900 * 41, chunk('', 'stop')], [900 * 42, 'data: [DONE]\n\n']);
    const { stream } = timedSource(clock, pieces, { end: true });
    const result = watch<any>(assemble(stream, { idleTimeoutMs: 1000, scheduler: clock.scheduler }), clock.now);
    await clock.advanceTo(900 * 42);
    expect(result.error).toBeUndefined();
    expect(result.value.choices[0].message.content).toBe(words.join(''));
    expect(result.at).toBe(900 * 42);
  });

  test('a stall inside a chunk (half an event sent) times out too, with what came before', async () => {
    const clock = virtualClock();
    const whole = chunk(' world');
    const { stream } = timedSource(clock, [
      [0, chunk('Hello')],
      [10, whole.slice(0, 30)],
    ]);
    const result = watch(assemble(stream, { idleTimeoutMs: 5000, scheduler: clock.scheduler }), clock.now);
    await clock.advanceTo(5010);
    expect(result.error).toBeInstanceOf(IdleTimeoutError);
    expect(result.at).toBe(5010);
    expect((result.error!.partial as any).choices[0].message.content).toBe('Hello');
  });

  test('NDJSON (Ollama): the same, with the partial response', async () => {
    const clock = virtualClock();
    const { stream, state } = timedSource(clock, [
      [0, line('Bon')],
      [200, line('jour')],
    ]);
    const result = watch(assemble(stream, { idleTimeoutMs: 2000, scheduler: clock.scheduler }), clock.now);
    await clock.advanceTo(2200);
    expect(result.error).toBeInstanceOf(IdleTimeoutError);
    expect((result.error!.partial as any).message.content).toBe('Bonjour');
    expect(state.cancelled).toBe(true);
  });

  test('streamEvents: events until the stall, then the error, then nothing', async () => {
    const clock = virtualClock();
    const { stream, state } = timedSource(clock, [
      [0, chunk('a')],
      [100, chunk('b')],
      [5000, chunk('late')],
    ]);
    const events: StreamEvent[] = [];
    let error: unknown;
    streamEvents(stream, { idleTimeoutMs: 1000, scheduler: clock.scheduler }).subscribe({ next: (e) => events.push(e), error: (e) => (error = e) });
    await clock.advanceTo(1100);
    expect(error).toBeInstanceOf(IdleTimeoutError);
    const deltas = events.filter((e) => e.type === 'content.delta').map((e) => (e as { delta: string }).delta);
    expect(deltas).toEqual(['a', 'b']);
    const count = events.length;
    await clock.advanceTo(6000);
    expect(events).toHaveLength(count);
    expect(state.delivered).toBe(2);
  });

  test('streamResponse: final and every observable get the IdleTimeoutError; the snapshot keeps the partial', async () => {
    const clock = virtualClock();
    const { stream } = timedSource(clock, [[0, chunk('partial answer')]]);
    const response = streamResponse(stream, { provider: 'openai', idleTimeoutMs: 1000, scheduler: clock.scheduler });
    let textError: unknown;
    response.text$.subscribe({ error: (e) => (textError = e) });
    const final = watch(response.final, clock.now);
    await clock.advanceTo(1000);
    expect(final.error).toBeInstanceOf(IdleTimeoutError);
    expect(textError).toBe(final.error);
    expect(response.snapshot()!.choices[0]!.message.content).toBe('partial answer');
  });
});

describe('idleTimeoutMs with a real HTTP server, on virtual time', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ headers: { 'content-type': 'text/event-stream' } });
  });
  afterAll(async () => {
    await server.close();
  });

  test('the idle timeout closes the connection to a server that went quiet', async () => {
    const clock = virtualClock();
    const events: StreamEvent[] = [];
    let error: unknown;
    streamEvents(fetch(server.url), { idleTimeoutMs: 10_000, scheduler: clock.scheduler }).subscribe({ next: (e) => events.push(e), error: (e) => (error = e) });
    const exchange = await server.nextExchange();
    await exchange.write(chunk('still '));
    await exchange.write(chunk('here'));
    for (let i = 0; i < 200 && events.filter((e) => e.type === 'content.delta').length < 2; i++) await settle();
    expect(events.filter((e) => e.type === 'content.delta')).toHaveLength(2);
    await clock.advanceTo(9_999);
    expect(error).toBeUndefined();
    await clock.advanceTo(10_000);
    expect(error).toBeInstanceOf(IdleTimeoutError);
    expect(((error as IdleTimeoutError).partial as any).choices[0].message.content).toBe('still here');
    expect(await exchange.closed).toEqual({ byClient: true });
  });

  test('an HTTP error body that stalls: the idle timeout ends the wait and closes the connection', async () => {
    const clock = virtualClock();
    const result = watch(assemble(fetch(server.url), { idleTimeoutMs: 10_000, scheduler: clock.scheduler }), clock.now);
    const exchange = await server.nextExchange();
    exchange.head(502, { 'content-type': 'text/html' });
    await exchange.write('<html><body>Bad gateway, and then nothing');
    await settle(20);
    await clock.advanceTo(10_000);
    expect(result.error).toBeInstanceOf(IdleTimeoutError);
    expect(await exchange.closed).toEqual({ byClient: true });
  });
});

describe('idleTimeoutMs with the default scheduler, on vitest fake timers', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  test('a stalled async iterable times out at the virtual instant', async () => {
    vi.useFakeTimers();
    let returned = false;
    async function* body() {
      try {
        yield chunk('tick');
        await new Promise((resolve) => setTimeout(resolve, 60_000));
        yield chunk('too late');
      } finally {
        returned = true;
      }
    }
    const result = watch(assemble(body(), { idleTimeoutMs: 15_000 }), () => Date.now());
    const start = Date.now();
    await vi.advanceTimersByTimeAsync(14_999);
    expect(result.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(result.error).toBeInstanceOf(IdleTimeoutError);
    expect(result.at! - start).toBe(15_000);
    expect((result.error!.partial as any).choices[0].message.content).toBe('tick');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(returned).toBe(true);
  });
});
