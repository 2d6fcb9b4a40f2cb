import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastValueFrom, toArray, type Observable } from 'rxjs';
import { assemble, streamEvents, typingIndicator, type StreamEvent } from '../../src/index.js';
import { HistoryGoneError, PublishLockedError, publish, redisStreams, subscribe, toSseResponse, type RedisStreamEvent } from '../../src/redis.js';
import { createParser } from 'eventsource-parser';
import { RECORDINGS } from '../cli/run-cli.js';
import { CLIENTS, type ClientName } from './clients.js';
import { skipWithoutRedis, startRedis, type RedisServer } from './redis-server.js';

const SUCCESS = ['openai-text-usage.sse', 'openai-parallel-tool-calls.sse', 'openai-logprobs.sse', 'openai-n2.sse', 'groq-x-groq-usage.sse', 'ollama-chat-tool-calls.ndjson', 'ollama-chat-thinking.ndjson'];
const FAILURE = ['openai-midstream-error.sse', 'ollama-chat-error-line.ndjson', 'openai-truncated.sse'];

const body = (name: string) => readFileSync(join(RECORDINGS, name));
const response = (name: string) =>
  new Response(body(name), { headers: { 'content-type': name.endsWith('.sse') ? 'text/event-stream' : 'application/x-ndjson' } });

/** An event as a comparable value: its fields, and at each chunk the snapshot at that moment. */
function view(event: StreamEvent) {
  const { id: _id, entryId: _entry, ...fields } = event as RedisStreamEvent;
  return JSON.parse(JSON.stringify({ ...fields, ...(event.type === 'chunk' ? { snapshotNow: event.snapshot() } : {}) }));
}

type Outcome = { events: { id: string; view: unknown }[]; final?: unknown; error?: { name: string; code: string; message: string; partial: unknown } };

async function collect(events: AsyncIterable<StreamEvent>): Promise<Outcome> {
  const out: Outcome = { events: [] };
  try {
    for await (const event of events) out.events.push({ id: (event as RedisStreamEvent).id, view: view(event) });
  } catch (error) {
    const e = error as { name: string; code: string; message: string; partial: unknown };
    out.error = { name: e.name, code: e.code, message: e.message, partial: JSON.parse(JSON.stringify(e.partial ?? null)) };
  }
  const done = out.events.at(-1)?.view as { type?: string; response?: unknown } | undefined;
  if (done?.type === 'done') out.final = done.response;
  return out;
}

/** The same recording assembled locally, in this process: the oracle. */
async function local(name: string): Promise<Outcome> {
  const seen: StreamEvent[] = [];
  let failure: unknown;
  await new Promise<void>((resolve) =>
    streamEvents(response(name)).subscribe({ next: (e) => seen.push(e), error: (e) => ((failure = e), resolve()), complete: resolve }),
  );
  return collect({
    async *[Symbol.asyncIterator]() {
      yield* seen;
      if (failure) throw failure;
    },
  });
}

describe.skipIf(skipWithoutRedis)('chunkwise/redis: publish, subscribe, resume (real redis-server)', () => {
  let server: RedisServer;
  const closers: (() => unknown)[] = [];
  const clients = {} as Record<ClientName, unknown>;

  beforeAll(async () => {
    server = await startRedis();
    for (const name of Object.keys(CLIENTS) as ClientName[]) {
      const { client, close } = await CLIENTS[name](server.url);
      clients[name] = client;
      closers.push(close);
    }
  });
  afterAll(async () => {
    for (const close of closers) await close();
    await server?.stop();
  });

  let n = 0;
  const newKey = () => `test:resume:${n++}`;

  for (const name of [...SUCCESS, ...FAILURE]) {
    for (const client of ['node-redis', ...(name === SUCCESS[1] || name === FAILURE[0] ? ['ioredis'] : [])] as ClientName[]) {
      it(`${name} (${client}): the same events, snapshots and final object as a local stream, and a resume after every event id gives exactly the rest`, async () => {
        const redis = clients[client] as never;
        const key = newKey();
        const expected = await local(name);
        const publication = await publish(response(name), { redis, key, ttlMs: 60_000 });
        const whole = await collect(subscribe(key, { redis }));
        await publication.done.catch(() => {});

        expect(whole.events.map((e) => e.view)).toEqual(expected.events.map((e) => e.view));
        expect(whole.error).toEqual(expected.error);
        if (expected.error === undefined) {
          expect(whole.final).toEqual(await assemble(response(name)));
          expect(await subscribe(key, { redis }).final).toEqual(whole.final);
        }
        // Ids are unique and ordered as the stream.
        expect(new Set(whole.events.map((e) => e.id)).size).toBe(whole.events.length);

        for (let i = 0; i < whole.events.length; i++) {
          const resumed = await collect(subscribe(key, { redis, after: whole.events[i]!.id }));
          expect(resumed.events, `after event ${i} (${whole.events[i]!.id})`).toEqual(whole.events.slice(i + 1));
          expect(resumed.error).toEqual(whole.error);
        }
      });
    }
  }

  it('resuming after a bare entry id delivers the events of the entries after it', async () => {
    const redis = clients['node-redis'] as never;
    const key = newKey();
    await (await publish(response('openai-text.sse'), { redis, key })).done;
    const whole = await collect(subscribe(key, { redis }));
    const ids = whole.events.map((e) => e.id);
    const entry = ids[3]!.split(':')[0]!;
    const resumed = await collect(subscribe(key, { redis, after: entry }));
    expect(resumed.events).toEqual(whole.events.filter((e) => e.id.split(':')[0]! > entry || Number(e.id.split(/[-:]/)[1]) > Number(entry.split('-')[1])));
    expect(resumed.events[0]!.id.split(':')[0]).not.toBe(entry);
  });

  it('a second publisher for the same key is refused, and can subscribe instead', async () => {
    const redis = clients.ioredis as never;
    const key = newKey();
    const first = await publish(response('openai-text.sse'), { redis, key });
    await expect(publish(response('openai-refusal.sse'), { redis, key })).rejects.toBeInstanceOf(PublishLockedError);
    await first.done;
    await expect(publish(response('openai-refusal.sse'), { redis, key })).rejects.toThrow(/subscribe/);
    expect(await subscribe(key, { redis }).final).toEqual(await assemble(response('openai-text.sse')));
  });

  it('a key that expired (or never was) fails typed, as does a cursor of an earlier stream under the key', async () => {
    const redis = clients['node-redis'] as never;
    const error = await subscribe('test:never-published', { redis }).final.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HistoryGoneError);
    expect(error).toMatchObject({ reason: 'expired', key: 'test:never-published' });

    const key = newKey();
    await (await publish(response('openai-text.sse'), { redis, key, ttlMs: 60_000 })).done;
    const ids = (await collect(subscribe(key, { redis }))).events.map((e) => e.id);
    const stale = `${Number(ids[0]!.split('-')[0]) - 1000}-2:0`;
    const resumed = await subscribe(key, { redis, after: stale }).final.catch((e: unknown) => e);
    expect(resumed).toMatchObject({ name: 'HistoryGoneError', reason: 'expired', after: stale });
  });

  it('everything expires after the TTL', async () => {
    const redis = clients['node-redis'] as { sendCommand(args: string[]): Promise<unknown> };
    const key = newKey();
    await (await publish(response('openai-text.sse'), { redis: redis as never, key, ttlMs: 30_000 })).done;
    for (const k of [key, `${key}:lock`]) {
      const ttl = Number(await redis.sendCommand(['PTTL', k]));
      expect(ttl, k).toBeGreaterThan(0);
      expect(ttl, k).toBeLessThanOrEqual(30_000);
    }
    expect(Number(await redis.sendCommand(['EXISTS', `${key}:alive`]))).toBe(0);
  });

  it('a cursor whose entries were trimmed (MAXLEN) fails typed, saying so', async () => {
    const redis = clients['node-redis'] as never;
    const key = newKey();
    await (await publish(response('openai-parallel-tool-calls.sse'), { redis, key, maxLength: 5 })).done;
    const first = ((await (redis as { sendCommand(a: string[]): Promise<unknown> }).sendCommand(['XRANGE', key, '-', '+', 'COUNT', '1'])) as [string][])[0]![0];
    const start = first.split('-')[0];
    expect(Number(first.split('-')[1])).toBeGreaterThan(0); // the meta entry and the first chunks are gone
    for (const after of [undefined, `${start}-1:0`]) {
      const error = await subscribe(key, { redis, ...(after ? { after } : {}) }).final.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HistoryGoneError);
      expect(error).toMatchObject({ reason: 'trimmed', after });
      expect((error as Error).message).toMatch(/trimmed \(MAXLEN\)/);
      if (after) expect((error as Error).message).toContain(`cannot resume after ${after}`);
    }
  });
  it('toSseResponse: SSE events with the stream ids, resumable with Last-Event-ID or ?lastEventId, 204 once past the end, stream.error for a failure', async () => {
    const redis = clients['node-redis'] as never;
    const key = newKey();
    await (await publish(response('openai-text.sse'), { redis, key })).done;
    const read = async (res: Response) => {
      const events: { id?: string | undefined; event?: string | undefined; data: string }[] = [];
      const parser = createParser({ onEvent: (e) => events.push(e) });
      parser.feed(await res.text());
      return events;
    };
    const whole = await collect(subscribe(key, { redis }));
    const all = await toSseResponse(key, new Request('http://app/events'), { redis });
    expect(all.status).toBe(200);
    expect(all.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const frames = await read(all);
    expect(frames.map((f) => f.id)).toEqual(whole.events.map((e) => e.id));
    expect(frames.map((f) => JSON.parse(f.data))).toEqual(whole.events.map((e) => JSON.parse(JSON.stringify({ ...(e.view as object), id: e.id }))).map(({ snapshotNow: _s, ...rest }) => ({ ...rest, entryId: rest.id.split(':')[0] })));

    const middle = whole.events[4]!.id;
    const byHeader = await read(await toSseResponse(key, new Request('http://app/events', { headers: { 'last-event-id': middle } }), { redis }));
    const byQuery = await read(await toSseResponse(key, new Request(`http://app/events?lastEventId=${middle}`), { redis, types: ['content.delta', 'done'] }));
    expect(byHeader.map((f) => f.id)).toEqual(whole.events.slice(5).map((e) => e.id));
    expect(byQuery.map((f) => f.event)).toEqual(whole.events.slice(5).map((e) => (e.view as { type: string }).type).filter((t) => t === 'content.delta' || t === 'done'));

    const bad = await toSseResponse(key, new Request('http://app/events', { headers: { 'last-event-id': 'not-an-id' } }), { redis });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/not a chunkwise stream id/);

    const past = await toSseResponse(key, new Request('http://app/events', { headers: { 'last-event-id': whole.events.at(-1)!.id } }), { redis });
    expect(past.status).toBe(204);

    const failing = newKey();
    await (await publish(response('openai-midstream-error.sse'), { redis, key: failing })).done.catch(() => {});
    const failed = await read(await toSseResponse(failing, new Request('http://app/events'), { redis }));
    const last = failed.at(-1)!;
    expect(last.event).toBe('stream.error');
    expect(JSON.parse(last.data)).toMatchObject({ name: 'ProviderError', code: 'provider' });
    expect(JSON.parse(last.data).partial).toBeDefined();
  });
  it('typingIndicator on a subscribed stream shows what it shows on the local stream (done, or error)', async () => {
    const redis = clients.ioredis as never;
    for (const name of ['openai-text.sse', 'openai-midstream-error.sse']) {
      const key = newKey();
      await (await publish(response(name), { redis, key })).done.catch(() => {});
      // A pause longer than the test: the states do not depend on how fast Redis answers.
      const states = (events: Observable<StreamEvent>) => lastValueFrom(events.pipe(typingIndicator({ pauseAfterMs: 600_000 }), toArray()));
      const local = await states(streamEvents(response(name)));
      expect(local.at(-1)).toBe(name.includes('error') ? 'error' : 'done');
      expect(await states(subscribe(key, { redis }).events$), name).toEqual(local);
    }
  });
  it('redisStreams binds the client and defaults once: publish(source, { key }), subscribe(key), toSseResponse(key, request)', async () => {
    const streams = redisStreams({ redis: clients.ioredis as never, ttlMs: 20_000, retryMs: 250 });
    const key = newKey();
    await (await streams.publish(response('openai-text.sse'), { key })).done;
    expect(await streams.subscribe(key).final).toEqual(await assemble(response('openai-text.sse')));
    const sse = await (await streams.toSseResponse(key, new Request('http://app/events'))).text();
    expect(sse.startsWith('retry: 250\n\n')).toBe(true);
    expect(sse).toContain('event: done\n');
    const ttl = Number(await (clients['node-redis'] as { sendCommand(a: string[]): Promise<unknown> }).sendCommand(['PTTL', key]));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(20_000);
  });
});
