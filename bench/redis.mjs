// chunkwise/redis against in-process sharing (streamResponse), on the same bytes:
// added latency per event (p50, p99) on a paced stream, events per second on an unpaced one,
// with 1 and 100 subscribers, and Redis memory per stream (MEMORY USAGE).
//
//   node bench/redis.mjs            # needs the build (npm run build) and redis-server; prints markdown
//   (npm run bench runs it as a child and puts its table in bench/results/latest.md)
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { streamResponse } from '../dist/index.js';
import { publish, subscribe } from '../dist/redis.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const PACED_CHUNKS = 400;
const PACE_MS = 2;
const UNPACED_CHUNKS = 2000;
const RUNS = 3;
const encoder = new TextEncoder();

function chunkMessages(n) {
  const base = { id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1700000000, model: 'gpt-bench', system_fingerprint: 'fp_bench' };
  const out = [{ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }] }];
  for (let i = 1; i < n - 1; i++) out.push({ ...base, choices: [{ index: 0, delta: { content: ` word${i}` }, logprobs: null, finish_reason: null }] });
  out.push({ ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }] });
  return [...out.map((c) => `data: ${JSON.stringify(c)}\n\n`), 'data: [DONE]\n\n'];
}

/** A byte source that sends one message every PACE_MS once `go` resolves, noting when each content chunk left. */
function pacedSource(messages, go, sentAt) {
  let i = 0;
  const body = new ReadableStream({
    async pull(controller) {
      await go;
      if (i >= messages.length) return controller.close();
      if (i > 0) await new Promise((r) => setTimeout(r, PACE_MS));
      sentAt.push(performance.now());
      controller.enqueue(encoder.encode(messages[i++]));
    },
  });
  return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
}

function wholeSource(messages, go) {
  const body = new ReadableStream({
    async start(controller) {
      await go;
      controller.enqueue(encoder.encode(messages.join('')));
      controller.close();
    },
  });
  return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs one configuration: `open(source)` gives the streams the subscribers read. Latency: for the
 * k-th content delta a subscriber gets, now minus the time chunk k+1 (chunk 0 is the role) left the source.
 */
async function measure({ subscribers, paced, open }) {
  const messages = chunkMessages(paced ? PACED_CHUNKS : UNPACED_CHUNKS);
  let release;
  const go = new Promise((r) => (release = r));
  const sentAt = [];
  const source = paced ? pacedSource(messages, go, sentAt) : wholeSource(messages, go);
  const streams = await open(source, subscribers);
  const latencies = [];
  let events = 0;
  const finals = streams.map(
    (stream) =>
      new Promise((resolve, reject) => {
        let k = 0;
        stream.events$.subscribe({
          next(e) {
            events++;
            if (paced && e.type === 'content.delta') latencies.push(performance.now() - sentAt[1 + k++]);
          },
          error: reject,
          complete: resolve,
        });
      }),
  );
  await sleep(300); // every subscriber attached (the Redis ones blocked in XREAD) before the first byte
  const started = performance.now();
  release();
  await Promise.all(finals);
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), eventsPerSecond: events / seconds, events };
}

async function freePort() {
  const server = createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

async function startRedis() {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => (out += d).includes('Ready to accept connections') && resolve());
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code})`)));
  });
  child.stdout.resume();
  return { url: `redis://127.0.0.1:${port}`, stop: () => child.kill('SIGKILL') };
}

const fmt = (x, digits = 2) => (x === undefined ? '–' : x.toFixed(digits));

export async function runRedisBench() {
  if (spawnSync('sh', ['-c', 'command -v redis-server']).status !== 0) return { ok: false, error: 'redis-server is not installed' };
  const server = await startRedis();
  const nodeRedis = createClient({ url: server.url });
  await nodeRedis.connect();
  const ioredis = new Redis(server.url);
  let n = 0;
  const local = (source, count) => {
    const stream = streamResponse(source);
    return Array.from({ length: count }, () => stream);
  };
  const viaRedis = (redis) => async (source, count) => {
    const key = `bench:${n++}`;
    await publish(source, { redis, key });
    return Array.from({ length: count }, () => subscribe(key, { redis }));
  };
  const rows = [];
  try {
    for (const subscribers of [1, 100]) {
      const configs = [
        ['in-process (streamResponse, shared)', local],
        ['Redis, node-redis', viaRedis(nodeRedis)],
        ['Redis, ioredis', viaRedis(ioredis)],
      ];
      const base = {};
      for (const [name, open] of configs) {
        // A warm-up run of each, then RUNS measured ones (paced for latency, unpaced for throughput), medians kept.
        await measure({ subscribers, paced: false, open });
        const pacedRuns = [];
        const unpacedRuns = [];
        for (let run = 0; run < RUNS; run++) {
          pacedRuns.push(await measure({ subscribers, paced: true, open }));
          unpacedRuns.push(await measure({ subscribers, paced: false, open }));
        }
        const paced = { p50: median(pacedRuns.map((r) => r.p50)), p99: median(pacedRuns.map((r) => r.p99)) };
        const unpaced = { eventsPerSecond: median(unpacedRuns.map((r) => r.eventsPerSecond)) };
        if (name.startsWith('in-process')) Object.assign(base, { p50: paced.p50, p99: paced.p99, eps: unpaced.eventsPerSecond });
        rows.push({ subscribers, name, p50: paced.p50, p99: paced.p99, addedP50: paced.p50 - base.p50, addedP99: paced.p99 - base.p99, eventsPerSecond: unpaced.eventsPerSecond, ratio: unpaced.eventsPerSecond / base.eps });
      }
    }
    // Memory per stream: a finished stream's MEMORY USAGE (every entry counted), beside its body's size.
    const memory = [];
    const bodies = [
      ['synthetic, 400 content chunks', chunkMessages(PACED_CHUNKS).join('')],
      ['recordings/openai-text-usage.sse', readFileSync(join(ROOT, 'recordings/openai-text-usage.sse'), 'utf8')],
      ['recordings/openai-logprobs.sse', readFileSync(join(ROOT, 'recordings/openai-logprobs.sse'), 'utf8')],
      ['recordings/ollama-chat-tool-calls.ndjson', readFileSync(join(ROOT, 'recordings/ollama-chat-tool-calls.ndjson'), 'utf8')],
    ];
    for (const [name, text] of bodies) {
      const key = `bench:memory:${n++}`;
      const type = name.endsWith('.ndjson') ? 'application/x-ndjson' : 'text/event-stream';
      await (await publish(new Response(text, { headers: { 'content-type': type } }), { redis: nodeRedis, key })).done;
      const bytes = Number(await nodeRedis.sendCommand(['MEMORY', 'USAGE', key, 'SAMPLES', '0']));
      const entries = Number(await nodeRedis.sendCommand(['XLEN', key]));
      memory.push({ name, entries, bodyBytes: Buffer.byteLength(text), redisBytes: bytes });
    }
    const table = [
      `Paced: ${PACED_CHUNKS} chunks, one every ${PACE_MS} ms; latency = when a subscriber got the event minus when its chunk left the source. Unpaced: ${UNPACED_CHUNKS} chunks in one piece; events/s counts every event every subscriber got. Medians of ${RUNS} runs after a warm-up. Redis on 127.0.0.1, persistence off; publisher and subscribers in one process (the subscribers of a key share one XREAD loop).`,
      '',
      '| subscribers | path | latency p50 (ms) | p99 (ms) | added p50 | added p99 | events/s | vs in-process |',
      '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...rows.map((r) => `| ${r.subscribers} | ${r.name} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${r.name.startsWith('in-process') ? '–' : fmt(r.addedP50)} | ${r.name.startsWith('in-process') ? '–' : fmt(r.addedP99)} | ${Math.round(r.eventsPerSecond).toLocaleString('en')} | ${fmt(r.ratio)}× |`),
      '',
      '| stream | entries | body bytes | Redis bytes (MEMORY USAGE) | Redis / body |',
      '| --- | ---: | ---: | ---: | ---: |',
      ...memory.map((m) => `| ${m.name} | ${m.entries} | ${m.bodyBytes.toLocaleString('en')} | ${m.redisBytes.toLocaleString('en')} | ${fmt(m.redisBytes / m.bodyBytes)}× |`),
    ].join('\n');
    return { ok: true, rows, memory, table };
  } finally {
    await nodeRedis.destroy();
    ioredis.disconnect();
    server.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await runRedisBench();
  if (process.send) process.send(result);
  else console.log(result.ok ? result.table : `failed: ${result.error}`);
  process.exit(result.ok ? 0 : 1);
}
