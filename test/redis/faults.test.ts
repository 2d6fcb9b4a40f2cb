import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbortError, assemble, streamEvents, type StreamEvent } from '../../src/index.js';
import { PublisherGoneError, RedisUnavailableError, publish, subscribe, toSseResponse, type RedisStreamEvent } from '../../src/redis.js';
import { RECORDINGS, ROOT } from '../cli/run-cli.js';
import { CLIENTS } from './clients.js';
import { skipWithoutRedis, startRedis, type RedisServer } from './redis-server.js';

const RECORDING = join(RECORDINGS, 'openai-text-usage.sse');
const messages = readFileSync(RECORDING, 'utf8').split(/(?<=\n\n)/);
const encoder = new TextEncoder();
const sse = (text: string) => new Response(text, { headers: { 'content-type': 'text/event-stream' } });

/** An upstream the test feeds by hand: some messages now, the rest when it says. */
function gatedSource(): { response: Response; send(from: number, to: number): void; end(): void } {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
  return {
    response: new Response(body, { headers: { 'content-type': 'text/event-stream' } }),
    send: (from, to) => messages.slice(from, to).forEach((m) => controller.enqueue(encoder.encode(m))),
    end: () => controller.close(),
  };
}

/** Resolves once `check` holds, polled on each event; rejects when the stream ends first. */
function until(events: RedisStreamEvent[], stream: { events$: { subscribe: Function } }, check: () => boolean) {
  return new Promise<void>((resolve, reject) => {
    if (check()) return resolve();
    stream.events$.subscribe({ next: () => check() && resolve(), error: reject, complete: () => (check() ? resolve() : reject(new Error('ended first'))) });
  });
}

const view = (e: StreamEvent) => {
  const { id: _i, entryId: _e, ...rest } = e as RedisStreamEvent;
  return JSON.parse(JSON.stringify(rest));
};

describe.skipIf(skipWithoutRedis)('chunkwise/redis under faults (real redis-server)', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('a publisher killed with SIGKILL mid-stream: subscribers get a PublisherGoneError with the partial object within the heartbeat TTL, no hang', async () => {
    const { client, close } = await CLIENTS['node-redis'](server.url);
    const key = 'fault:sigkill';
    const half = Math.floor(messages.length / 2);
    const child = spawn(process.execPath, [join(ROOT, 'test/redis/fixtures/publisher-child.mjs'), server.url, key, RECORDING, String(half)], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (d: Buffer) => d.toString().includes('publishing') && resolve());
        child.once('exit', (code) => reject(new Error(`the publisher exited (${code})`)));
      });
      const stream = subscribe(key, { redis: client as never });
      const seen: RedisStreamEvent[] = [];
      stream.events$.subscribe({ next: (e) => seen.push(e), error: () => {} });
      const failed = stream.final.then(
        () => undefined,
        (e: unknown) => e,
      );
      // Every message sent so far is a chunk: wait until the subscriber has them all, then kill.
      await until(seen, stream, () => seen.filter((e) => e.type === 'chunk').length === half);
      const killedAt = Date.now();
      child.kill('SIGKILL');
      const error = await failed;
      const waited = Date.now() - killedAt;
      expect(error).toBeInstanceOf(PublisherGoneError);
      expect((error as PublisherGoneError).code).toBe('truncated');
      expect((error as Error).message).toMatch(/heartbeat/);
      // The partial object is what the first half assembles to (lenient: as far as it got).
      const partial = await assemble(sse(messages.slice(0, half).join('')), { lenient: true });
      expect((error as PublisherGoneError).partial).toEqual(partial);
      // Heartbeat TTL 300 ms, reads wait half of it: well under the bound (generous for a busy machine).
      expect(waited).toBeLessThan(5_000);
    } finally {
      child.kill('SIGKILL');
      await close();
    }
  });

  it('Redis restarted (empty, no persistence) mid-stream: publisher and subscribers of both clients reconnect, nothing lost, nothing twice', async () => {
    const publisher = await CLIENTS['node-redis'](server.url);
    const readers = [await CLIENTS['node-redis'](server.url), await CLIENTS.ioredis(server.url)];
    const key = 'fault:restart';
    const source = gatedSource();
    const half = Math.floor(messages.length / 2);
    try {
      const publication = await publish(source.response, { redis: publisher.client as never, key, heartbeatMs: 100, heartbeatTtlMs: 1000, reconnectMs: 20_000 });
      const streams = readers.map(({ client }) => subscribe(key, { redis: client as never, reconnectMs: 20_000 }));
      const seen = streams.map(() => [] as RedisStreamEvent[]);
      streams.forEach((s, i) => s.events$.subscribe({ next: (e) => seen[i]!.push(e), error: () => {} }));
      source.send(0, half);
      await Promise.all(streams.map((s, i) => until(seen[i]!, s, () => seen[i]!.filter((e) => e.type === 'chunk').length === half)));

      await server.kill();
      await server.restart();
      source.send(half, messages.length);
      source.end();

      const expected: StreamEvent[] = [];
      await new Promise<void>((resolve, reject) => streamEvents(sse(messages.join(''))).subscribe({ next: (e) => expected.push(e), error: reject, complete: resolve }));
      const final = await assemble(sse(messages.join('')));
      for (const [i, stream] of streams.entries()) {
        expect(await stream.final).toEqual(final);
        expect(seen[i]!.map(view)).toEqual(expected.map((e) => JSON.parse(JSON.stringify(e))));
        expect(new Set(seen[i]!.map((e) => e.id)).size).toBe(seen[i]!.length);
      }
      expect(await publication.done).toEqual(final);
      // A subscriber that comes after the restart reads the whole stream, written again.
      expect(await subscribe(key, { redis: readers[0]!.client as never }).final).toEqual(final);
    } finally {
      await publisher.close();
      for (const r of readers) await r.close();
    }
  });
  it('toSseResponse on a live stream with no chunk yet answers at once, sends keep-alive comments, and lets go of Redis when the client leaves', async () => {
    const { client, close } = await CLIENTS['node-redis'](server.url);
    const key = 'fault:quiet';
    const source = gatedSource();
    const xreads = async () => String(await client.sendCommand(['CLIENT', 'LIST'])).split('\n').filter((l) => l.includes('cmd=xread')).length;
    try {
      await publish(source.response, { redis: client as never, key });
      const controller = new AbortController();
      const response = await toSseResponse(key, new Request('http://app/events', { signal: controller.signal }), { redis: client as never, keepAliveMs: 20 });
      expect(response.status).toBe(200);
      const reader = response.body!.getReader();
      const { value } = await reader.read();
      expect(new TextDecoder().decode(value)).toBe(': keep-alive\n\n');
      expect(await xreads()).toBe(1);
      await reader.cancel();
      // The reader's blocking connection is closed when its last subscriber leaves.
      for (let i = 0; i < 200 && (await xreads()) > 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(await xreads()).toBe(0);
      source.send(0, messages.length);
      source.end();
    } finally {
      await close();
    }
  });
  it('publication.abort() mid-stream: the upstream is cancelled, and subscribers get the AbortError with the partial object', async () => {
    const { client, close } = await CLIENTS.ioredis(server.url);
    const key = 'fault:abort';
    const source = gatedSource();
    const half = Math.floor(messages.length / 2);
    try {
      const publication = await publish(source.response, { redis: client as never, key });
      const stream = subscribe(key, { redis: client as never });
      const seen: RedisStreamEvent[] = [];
      stream.events$.subscribe({ next: (e) => seen.push(e), error: () => {} });
      source.send(0, half);
      await until(seen, stream, () => seen.filter((e) => e.type === 'chunk').length === half);
      publication.abort(new Error('the user pressed stop'));
      const error = await stream.final.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AbortError);
      expect((error as AbortError).partial).toEqual(await assemble(sse(messages.slice(0, half).join('')), { lenient: true }));
      await expect(publication.done).rejects.toBeInstanceOf(AbortError);
    } finally {
      await close();
    }
  });
  it('Redis gone for longer than reconnectMs: the publisher and its subscribers fail typed (RedisUnavailableError, with the partial object), no hang', async () => {
    const own = await startRedis();
    const publisher = await CLIENTS['node-redis'](own.url);
    const reader = await CLIENTS.ioredis(own.url);
    const key = 'fault:gone';
    const source = gatedSource();
    const half = Math.floor(messages.length / 2);
    try {
      const publication = await publish(source.response, { redis: publisher.client as never, key, reconnectMs: 300 });
      const stream = subscribe(key, { redis: reader.client as never, reconnectMs: 300 });
      const seen: RedisStreamEvent[] = [];
      stream.events$.subscribe({ next: (e) => seen.push(e), error: () => {} });
      source.send(0, half);
      await until(seen, stream, () => seen.filter((e) => e.type === 'chunk').length === half);
      await own.kill();
      source.send(half, messages.length);
      source.end();
      const error = await stream.final.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RedisUnavailableError);
      expect((error as RedisUnavailableError).partial).toEqual(await assemble(sse(messages.slice(0, half).join('')), { lenient: true }));
      await expect(publication.done).rejects.toBeInstanceOf(RedisUnavailableError);
    } finally {
      await publisher.close();
      await reader.close();
      await own.stop();
    }
  });
});
