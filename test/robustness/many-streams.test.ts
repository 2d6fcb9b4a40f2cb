import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AbortError, assemble, streamResponse, type StreamEvent } from '../../src/index.js';
import { startTestServer, type Exchange, type TestServer } from '../helpers/http-server.js';
import { comparable, loadCorpus, outcomeOf, seededRandom, summarize, type Outcome } from '../helpers/robustness-corpus.js';

/*
 * Many streams at once: dozens of concurrent requests to a real local server, their bytes
 * interleaved in random small pieces, some aborted midway; hundreds of concurrent in-memory
 * streams. Every stream gets exactly its own one-piece outcome; aborting some changes nothing
 * for the others.
 */

const corpus = loadCorpus();
const baselines = new Map<string, Outcome>();

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  for (const r of corpus) baselines.set(r.name, await outcomeOf(() => assemble(r.body)));
});
afterAll(async () => {
  await server.close();
});

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('many streams at once', () => {
  test('48 concurrent requests, bytes interleaved in random pieces, every 6th aborted midway', async () => {
    const random = seededRandom(48);
    const count = 48;
    const controllers = Array.from({ length: count }, () => new AbortController());
    const recordings = Array.from({ length: count }, (_, i) => corpus[i % corpus.length]!);
    const results = recordings.map((r, i) =>
      outcomeOf(() => assemble(fetch(`${server.url}?stream=${i}`), { signal: controllers[i]!.signal })),
    );
    const exchanges = new Map<number, Exchange>();
    for (let k = 0; k < count; k++) {
      const exchange = await server.nextExchange();
      const i = Number(new URL(exchange.request.url!, server.url).searchParams.get('stream'));
      exchanges.set(i, exchange);
      exchange.head(200, { 'content-type': recordings[i]!.transport === 'sse' ? 'text/event-stream' : 'application/x-ndjson' });
    }
    const offsets = new Array<number>(count).fill(0);
    const aborted = new Set<number>();
    let round = 0;
    while (offsets.some((o, i) => o < recordings[i]!.body.length && !aborted.has(i))) {
      round++;
      const writes: Promise<unknown>[] = [];
      for (let i = 0; i < count; i++) {
        const body = recordings[i]!.body;
        if (aborted.has(i) || offsets[i]! >= body.length) continue;
        if (i % 6 === 5 && offsets[i]! > body.length / 2) {
          aborted.add(i);
          controllers[i]!.abort();
          continue;
        }
        // A stream to abort gets pieces of at most a quarter of its body, so a short body is not sent whole before the abort.
        const size = Math.min(1 + Math.floor(random() * 400), i % 6 === 5 ? Math.max(1, Math.floor(body.length / 4)) : Infinity);
        const piece = body.subarray(offsets[i]!, offsets[i]! + size);
        offsets[i]! += piece.length;
        const exchange = exchanges.get(i)!;
        writes.push(Promise.race([exchange.write(piece).catch(() => {}), exchange.closed]));
        // (The client may close first, after `[DONE]` or `done: true`: then end() never calls back.)
        if (offsets[i]! >= body.length) writes.push(Promise.race([exchange.end(), exchange.closed]));
      }
      await Promise.all(writes);
      if (round % 4 === 0) await tick();
    }
    // Every stream settles (a hang names the streams that did not).
    const pending = new Set(results.map((_, i) => i));
    results.forEach((r, i) => r.then(() => pending.delete(i)));
    for (let k = 0; k < 100 && pending.size > 0; k++) await new Promise((r) => setTimeout(r, 50));
    expect([...pending].map((i) => `${i}: ${recordings[i]!.name} at ${offsets[i]}/${recordings[i]!.body.length}`)).toEqual([]);
    const outcomes = await Promise.all(results);
    for (let i = 0; i < count; i++) {
      const name = recordings[i]!.name;
      if (aborted.has(i)) {
        expect((outcomes[i] as { error?: unknown }).error ?? 'ok', `${name} (stream ${i}) was aborted`).toBeInstanceOf(AbortError);
        expect(await exchanges.get(i)!.closed).toEqual({ byClient: true });
        continue;
      }
      const want = comparable(baselines.get(name)!);
      const got = comparable(outcomes[i]!);
      if (JSON.stringify(got) !== JSON.stringify(want)) {
        throw new Error(`stream ${i} (${name}): ${summarize(outcomes[i]!)}, alone: ${summarize(baselines.get(name)!)}`);
      }
    }
    expect(aborted.size).toBe(8);
  });

  test('400 concurrent in-memory streams from async iterables that yield to each other', async () => {
    const random = seededRandom(400);
    const count = 400;
    const recordings = Array.from({ length: count }, () => corpus[Math.floor(random() * corpus.length)]!);
    async function* trickle(body: Uint8Array, seed: number) {
      const r = seededRandom(seed);
      for (let at = 0; at < body.length; ) {
        const size = 1 + Math.floor(r() * 700);
        yield body.subarray(at, at + size);
        at += size;
        if (r() < 0.5) await tick();
      }
    }
    const outcomes = await Promise.all(recordings.map((r, i) => outcomeOf(() => assemble(trickle(r.body, i)))));
    outcomes.forEach((outcome, i) => {
      const name = recordings[i]!.name;
      expect(JSON.stringify(comparable(outcome)), `stream ${i} (${name})`).toBe(JSON.stringify(comparable(baselines.get(name)!)));
    });
  });

  test('one upstream shared by 12 consumers of streamResponse: every consumer sees the same events', async () => {
    const recording = corpus.find((r) => r.name === 'recordings/openai-parallel-tool-calls.sse')!;
    const stream = streamResponse(fetch(server.url));
    const seen: StreamEvent[][] = Array.from({ length: 12 }, () => []);
    const done = seen.map(
      (events) =>
        new Promise<void>((resolve, reject) => stream.events$.subscribe({ next: (e) => events.push(e), error: reject, complete: resolve })),
    );
    const final = stream.final;
    const exchange = await server.nextExchange();
    exchange.head(200, { 'content-type': 'text/event-stream' });
    for (let at = 0; at < recording.body.length; at += 333) await exchange.write(recording.body.subarray(at, at + 333));
    await Promise.race([exchange.end(), exchange.closed]);
    await Promise.all(done);
    expect(await final).toStrictEqual((baselines.get(recording.name) as { value: unknown }).value);
    const types = seen.map((events) => events.map((e) => e.type).join(','));
    expect(new Set(types).size).toBe(1);
    expect(seen[0]!.at(-1)!.type).toBe('done');
  });

  test('streamResponse: final read after the stream ended still gives the result (no hang)', async () => {
    const recording = corpus.find((r) => r.name === 'recordings/openai-text.sse')!;
    const stream = streamResponse(recording.body);
    await new Promise<void>((resolve, reject) => stream.events$.subscribe({ error: reject, complete: resolve }));
    const late = await Promise.race([
      stream.final.then(
        (value) => ({ value }),
        (error) => ({ error }),
      ),
      new Promise<'no outcome'>((resolve) => setTimeout(() => resolve('no outcome'), 2000)),
    ]);
    expect(late).not.toBe('no outcome');
    expect(late).toStrictEqual({ value: (baselines.get(recording.name) as { value: unknown }).value });
  });
});
