import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AbortError, ChunkwiseError, assemble, streamEvents, streamResponse, type StreamEvent } from '../../src/index.js';
import { startTestServer, type Exchange, type TestServer } from '../helpers/http-server.js';
import { failure } from '../helpers/robustness-corpus.js';

/*
 * Aborts: an AbortSignal given to `assemble`, `streamResponse(…).abort()`, and unsubscribing
 * from `streamEvents` each close the connection to a real local HTTP server (the server sees
 * the request close before it finished the response), release the reader, and emit nothing
 * afterwards; the partial object taken before the abort stays as it was.
 */

const SSE = { 'content-type': 'text/event-stream' };
const chunk = (content: string, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-a', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content }, logprobs: null, finish_reason: finish }] })}\n\n`;
const WORDS = ['Once', ' upon', ' a', ' time', ' there', ' was', ' a', ' stream'];

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ headers: SSE });
});
afterAll(async () => {
  await server.close();
});

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `condition` holds, polling; fails after `ms`. */
async function until(condition: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await tick(5);
  }
}

/** Keeps writing chunks every few ms until the client goes away (or `max` chunks). */
async function keepWriting(exchange: Exchange, from: number, max = 400): Promise<number> {
  let written = 0;
  for (let i = from; i < from + max && !exchange.response.destroyed && !exchange.response.writableEnded; i++) {
    // (Once the client closed, a write may never call back: race it with the close.)
    await Promise.race([exchange.write(chunk(` w${i}`)).catch(() => {}), exchange.closed]);
    written++;
    await tick(2);
  }
  return written;
}


const contentOf = (value: any): string | undefined => value?.choices?.[0]?.message?.content;

describe('aborts close the connection, release the reader, emit nothing after, keep the partial', () => {
  test('AbortSignal option of assemble, mid-stream', async () => {
    const controller = new AbortController();
    const pending = failure(assemble(fetch(server.url), { signal: controller.signal }));
    const exchange = await server.nextExchange();
    for (const w of WORDS.slice(0, 3)) await exchange.write(chunk(w));
    // Give the client time to read what was written (assemble has no progress to watch).
    await tick(100);
    controller.abort(new Error('user pressed stop'));
    const error = await pending;
    expect(error).toBeInstanceOf(AbortError);
    expect(error.code).toBe('aborted');
    expect((error as { cause?: unknown }).cause).toBeDefined();
    const content = contentOf(error.partial);
    expect(WORDS.slice(0, 3).join('').startsWith(content ?? '')).toBe(true);
    expect(await exchange.closed).toEqual({ byClient: true });
    // The server could not finish: every further write fails or goes nowhere.
    const snapshot = structuredClone(error.partial);
    await keepWriting(exchange, 0, 5);
    expect(error.partial).toStrictEqual(snapshot);
  });

  test('AbortSignal of assemble before the response arrives', async () => {
    const controller = new AbortController();
    const pending = failure(assemble(fetch(server.url), { signal: controller.signal }));
    const exchange = await server.nextExchange();
    controller.abort();
    const error = await pending;
    expect(error).toBeInstanceOf(AbortError);
    expect(error.partial).toBeUndefined();
    // The response arrives after the abort: its body is cancelled, the connection closed.
    exchange.head(200, SSE);
    await Promise.race([exchange.write(chunk('late')).catch(() => {}), exchange.closed]);
    expect(await exchange.closed).toEqual({ byClient: true });
  });

  test('an already aborted signal fails at once with an AbortError', async () => {
    const error = await failure(assemble(chunk('x'), { signal: AbortSignal.abort() }));
    expect(error).toBeInstanceOf(AbortError);
  });

  test('streamResponse(…).abort(): every consumer gets the AbortError with the partial object; the snapshot stays', async () => {
    const stream = streamResponse(fetch(server.url));
    const events: StreamEvent[] = [];
    const errors: unknown[] = [];
    stream.events$.subscribe({ next: (e) => events.push(e), error: (e) => errors.push(e) });
    const texts: string[] = [];
    stream.text$.subscribe({ next: (t) => texts.push(t), error: (e) => errors.push(e) });
    const final = failure(stream.final);
    const exchange = await server.nextExchange();
    for (const w of WORDS.slice(0, 4)) await exchange.write(chunk(w));
    await until(() => texts.at(-1) === WORDS.slice(0, 4).join(''), 'the first four words');
    const before = structuredClone(stream.snapshot());
    stream.abort();
    const error = await final;
    expect(error).toBeInstanceOf(AbortError);
    expect(contentOf(error.partial)).toBe(WORDS.slice(0, 4).join(''));
    expect(errors).toHaveLength(2);
    expect(errors.every((e) => e === error)).toBe(true);
    expect(await exchange.closed).toEqual({ byClient: true });
    const count = events.length;
    await keepWriting(exchange, 0, 5);
    await tick(30);
    expect(events).toHaveLength(count);
    expect(stream.snapshot()).toStrictEqual(before);
    expect(error.partial).toStrictEqual(before);
  });

  test('unsubscribing from streamEvents mid-stream closes the connection and emits nothing after', async () => {
    const events: StreamEvent[] = [];
    let ended = false;
    const subscription = streamEvents(fetch(server.url)).subscribe({ next: (e) => events.push(e), error: () => (ended = true), complete: () => (ended = true) });
    const exchange = await server.nextExchange();
    const writing = keepWriting(exchange, 0);
    await until(() => events.filter((e) => e.type === 'content.delta').length >= 3, 'three deltas');
    const snapshot = events.at(-1)!.snapshot();
    const frozen = structuredClone(snapshot);
    subscription.unsubscribe();
    const count = events.length;
    expect(await exchange.closed).toEqual({ byClient: true });
    const written = await writing;
    expect(written).toBeLessThan(400);
    await tick(30);
    expect(events).toHaveLength(count);
    expect(ended).toBe(false);
    // A snapshot taken before is a value: later bytes (never read) and time change nothing.
    expect(snapshot).toStrictEqual(frozen);
  });

  test('the last of several subscribers leaving cancels the request; one leaving does not', async () => {
    const stream = streamResponse(fetch(server.url));
    const a: string[] = [];
    const b: string[] = [];
    const first = stream.text$.subscribe((t) => a.push(t));
    const second = stream.text$.subscribe((t) => b.push(t));
    const exchange = await server.nextExchange();
    await exchange.write(chunk('one'));
    await until(() => a.length === 1 && b.length === 1, 'both subscribers to see a delta');
    first.unsubscribe();
    await exchange.write(chunk(' two'));
    await until(() => b.length === 2, 'the remaining subscriber to see the second delta');
    expect(a).toEqual(['one']);
    let closedYet = false;
    void exchange.closed.then(() => (closedYet = true));
    await tick(20);
    expect(closedYet).toBe(false);
    second.unsubscribe();
    expect(await exchange.closed).toEqual({ byClient: true });
  });

  test('a ReadableStream source is cancelled and released', async () => {
    let cancelled: unknown = 'not cancelled';
    let pulls = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        pulls++;
        await tick(2);
        controller.enqueue(new TextEncoder().encode(chunk(` p${pulls}`)));
      },
      cancel(reason) {
        cancelled = reason ?? 'cancelled';
      },
    });
    const controller = new AbortController();
    const pending = failure(assemble(body, { signal: controller.signal }));
    await until(() => pulls >= 5, 'five pulls');
    controller.abort();
    const error = await pending;
    expect(error).toBeInstanceOf(AbortError);
    expect(contentOf(error.partial)).toMatch(/^ p1 p2 p3/);
    expect(cancelled).not.toBe('not cancelled');
    await until(() => !body.locked, 'the reader to be released', 1000);
    const pullsAtAbort = pulls;
    await tick(30);
    expect(pulls).toBeLessThanOrEqual(pullsAtAbort + 1);
  });

  test('a Response given directly: its body is cancelled and released', async () => {
    const responding = fetch(server.url);
    const exchange = await server.nextExchange();
    exchange.head(200, SSE);
    exchange.response.flushHeaders();
    const response = await responding;
    const stream = streamResponse(response);
    const texts: string[] = [];
    stream.text$.subscribe({ next: (t) => texts.push(t), error: () => {} });
    await exchange.write(chunk('hello'));
    await until(() => texts.length === 1, 'a delta');
    stream.abort();
    expect(await exchange.closed).toEqual({ byClient: true });
    await until(() => !response.body!.locked, 'the body to be released', 1000);
  });

  test('a Node Readable source (an async iterable) is destroyed', async () => {
    let i = 0;
    const readable = new Readable({
      read() {
        setTimeout(() => this.push(chunk(` n${++i}`)), 2);
      },
    });
    const events: StreamEvent[] = [];
    const subscription = streamEvents(readable).subscribe({ next: (e) => events.push(e), error: () => {} });
    await until(() => events.length >= 6, 'some events');
    subscription.unsubscribe();
    expect(readable.destroyed).toBe(true);
    const count = events.length;
    await tick(30);
    expect(events).toHaveLength(count);
  });

  test('aborting while an HTTP error body is still arriving closes that connection too', async () => {
    const controller = new AbortController();
    const pending = failure(assemble(fetch(server.url), { signal: controller.signal }));
    const exchange = await server.nextExchange();
    exchange.head(500, { 'content-type': 'text/html' });
    await exchange.write('<html><body>still going');
    await tick(50);
    controller.abort();
    const error = await pending;
    expect(error).toBeInstanceOf(AbortError);
    expect(await exchange.closed).toEqual({ byClient: true });
  });
});
