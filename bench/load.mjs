// The load run: 1,000 concurrent streams in one Node process, from a local node:http server
// (a separate process) that replays a recording over real loopback HTTP in small pieces with
// small delays. Two client passes in fresh processes: `raw` reads the bytes and drops them
// (what HTTP alone costs), `chunkwise` runs streamEvents() with an idle timeout on each.
// Reports total time, peak RSS, memory per active stream (net of HTTP and of the assembled
// object; goal < 64 KiB) and the timers left behind.
//
//   node bench/load.mjs [--streams=1000] [--recording=recordings/openai-text-usage.sse]
import { fork } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import http from 'node:http';
import { dirname, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runChild } from './lib/fork.mjs';
import { chunkwiseDist } from './lib/dist-snapshot.mjs';
import { createRandom } from './lib/prng.mjs';
import { mismatch } from './lib/reference.mjs';
import { recordingBodies } from './lib/recordings.mjs';

const SELF = fileURLToPath(import.meta.url);
const BENCH = dirname(SELF);
const ROOT = join(BENCH, '..');
const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')).map(([k, v]) => [k, v ?? true]));
const send = (message) => new Promise((resolve) => (process.send ? process.send(message, resolve) : resolve(console.log(JSON.stringify(message, null, 1)))));
const KiB = 1024;

// ---------------------------------------------------------------------------------------------
// Server: every request gets the recording in 150–600-byte pieces, the whole stream spread
// over about `durationMs` (like tokens arriving; long enough for all 1,000 to be open at
// once even on a busy machine), then the connection closes.
function serve(file, durationMs) {
  const body = readFileSync(file);
  const random = createRandom(`load/${file}`);
  const cuts = [];
  for (let at = 0; at < body.length; ) cuts.push((at = Math.min(body.length, at + random.int(150, 600))));
  const delay = Math.round(durationMs / cuts.length);
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'close' });
    let i = 0;
    let from = 0;
    const next = () => {
      if (i === cuts.length) return void res.end();
      res.write(body.subarray(from, (from = cuts[i++])));
      setTimeout(next, delay);
    };
    next();
  });
  server.listen({ host: '127.0.0.1', port: 0, backlog: 4096 }, () => process.send({ port: server.address().port, pieces: cuts.length, delay }));
}

// ---------------------------------------------------------------------------------------------
// Clients
const resourceCounts = () => process.getActiveResourcesInfo().reduce((m, type) => ((m[type] = (m[type] ?? 0) + 1), m), {});
const liveMemory = () => {
  globalThis.gc?.();
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, external: m.external, rss: m.rss };
};

async function client(kind, url, streams, truthFile) {
  const truth = JSON.parse(readFileSync(truthFile, 'utf8'));
  const { streamEvents } = await import(pathToFileURL(join(chunkwiseDist(ROOT), 'index.js')).href);
  // Warm the code paths and the HTTP client with one stream, so the baseline includes them.
  await (kind === 'raw' ? rawStream(url, {}) : chunkwiseStream(streamEvents, url, {}));
  await new Promise((r) => setTimeout(r, 100));
  const base = liveMemory();
  const resourcesBefore = resourceCounts();

  const state = { started: 0, finished: 0, lastEvents: new Array(streams), samples: [] };
  const sampler = setInterval(() => {
    const active = state.started - state.finished;
    // Sample (forced GC) when at least half are active and more than at the last sample.
    const last = state.samples.at(-1)?.active ?? 0.5 * streams - 1;
    if (active <= last || state.samples.length >= 4) return;
    const memory = liveMemory();
    // What the streams have assembled so far (measured after the memory, to not disturb it).
    let assembledBytes = 0;
    if (kind === 'chunkwise') for (const e of state.lastEvents) if (e && e.type !== 'done') assembledBytes += JSON.stringify(e.snapshot()).length;
    state.samples.push({ active, memory, assembledBytes, timersDuring: resourceCounts().Timeout ?? 0 });
  }, 150);

  const began = performance.now();
  const outcomes = await Promise.all(
    Array.from({ length: streams }, (_, i) => (kind === 'raw' ? rawStream(url, state) : chunkwiseStream(streamEvents, url, state, i))),
  );
  const totalMs = performance.now() - began;
  clearInterval(sampler);
  state.lastEvents = [];
  await new Promise((r) => setTimeout(r, 200));
  await new Promise((r) => setImmediate(r));
  const resourcesAfter = resourceCounts();

  const wrong = [];
  for (const outcome of outcomes) {
    if (outcome.error) wrong.push(outcome.error);
    else if (kind === 'raw' ? outcome.bytes !== truth.bytes : mismatch(outcome, truth)) wrong.push(kind === 'raw' ? `read ${outcome.bytes} bytes` : mismatch(outcome, truth));
  }
  const best = state.samples.sort((a, b) => b.active - a.active)[0];
  await send({
    ok: true,
    kind,
    streams,
    completedCorrectly: streams - wrong.length,
    errors: [...new Set(wrong)].slice(0, 5),
    totalMs,
    peakRssMB: (process.resourceUsage().maxRSS * 1024) / 1e6,
    base,
    sample: best,
    resourcesBefore,
    resourcesAfter,
  });
}

async function rawStream(url, state) {
  try {
    const response = await fetch(url);
    let bytes = 0;
    let first = true;
    for await (const piece of response.body) {
      if (first && state.samples) state.started++;
      first = false;
      bytes += piece.byteLength;
    }
    if (state.samples) state.finished++;
    return { bytes };
  } catch (error) {
    if (state.samples) state.finished++;
    return { error: String(error) };
  }
}

function chunkwiseStream(streamEvents, url, state, i) {
  return new Promise((resolve) => {
    let response;
    let first = true;
    streamEvents(fetch(url), { provider: 'openai', idleTimeoutMs: 30_000 }).subscribe({
      next(event) {
        if (first && state.samples) state.started++;
        first = false;
        if (state.lastEvents) state.lastEvents[i] = event;
        if (event.type === 'done') response = event.response;
      },
      error(error) {
        if (state.samples) state.finished++;
        resolve({ error: String(error) });
      },
      complete() {
        if (state.samples) state.finished++;
        const message = response.choices[0].message;
        resolve({ content: message.content, toolArgs: (message.tool_calls ?? []).map((t) => t.function.arguments) });
      },
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Orchestrator
function pickRecording() {
  const { bodies } = recordingBodies(join(ROOT, 'recordings'), join(BENCH, 'data'));
  const sse = bodies.filter((b) => b.transport === 'sse' && b.provider === 'openai');
  const wanted = args.get('recording');
  return (
    (wanted && sse.find((b) => b.file.endsWith(wanted.split('/').pop()))) ??
    sse.find((b) => b.name === 'openai-text-usage') ??
    sse.sort((a, b) => b.bytes - a.bytes)[0]
  );
}

async function orchestrate() {
  const streams = Number(args.get('streams') ?? 1000);
  const recording = pickRecording();
  if (!recording) return send({ ok: false, error: 'no success .sse recording in recordings/' });
  const server = fork(SELF, ['--serve', recording.file, '4000'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const { port, pieces, delay } = await new Promise((resolve) => server.once('message', resolve));
  const url = `http://127.0.0.1:${port}/`;
  const passes = {};
  try {
    for (const kind of ['raw', 'chunkwise']) {
      passes[kind] = await runChild(SELF, ['--client', kind, url, String(streams), recording.truthFile], { timeoutMs: 180_000 });
    }
  } finally {
    server.kill();
  }
  const { raw, chunkwise } = passes;
  if (!raw.ok || !chunkwise.ok) return send({ ok: false, error: `raw: ${raw.error ?? 'ok'}; chunkwise: ${chunkwise.error ?? 'ok'}` });
  return send(summarize(recording, streams, pieces, delay, raw, chunkwise));
}

function perStream(pass) {
  const s = pass.sample;
  if (!s) return undefined;
  const live = s.memory.heapUsed + s.memory.external - (pass.base.heapUsed + pass.base.external);
  return { active: s.active, liveBytes: live / s.active, rssBytes: (s.memory.rss - pass.base.rss) / s.active, assembledBytes: s.assembledBytes / s.active };
}

function leftoverTimers(pass) {
  return (pass.resourcesAfter.Timeout ?? 0) - (pass.resourcesBefore.Timeout ?? 0);
}

function summarize(recording, streams, pieces, delay, raw, chunkwise) {
  const r = perStream(raw);
  const c = perStream(chunkwise);
  const net = c && r ? c.liveBytes - r.liveBytes - c.assembledBytes : undefined;
  const kib = (x) => (x === undefined ? '–' : (x / KiB).toFixed(1));
  const targets = [
    { target: '1,000 streams complete with correct final objects', body: recording.name, value: chunkwise.completedCorrectly, limit: streams, pass: chunkwise.completedCorrectly === streams, note: chunkwise.errors.join('; ') },
    { target: 'memory per active stream < 64 KiB (net of HTTP and of the assembled object)', body: recording.name, value: net === undefined ? undefined : net / KiB, limit: 64, pass: net !== undefined && net < 64 * KiB, note: c ? `${kib(net)} KiB, measured with ${c.active} streams active` : 'never ≥ 90% active at once' },
    { target: 'no per-stream timers left after completion', body: recording.name, value: leftoverTimers(chunkwise), limit: leftoverTimers(raw), pass: leftoverTimers(chunkwise) <= Math.max(0, leftoverTimers(raw)), note: `Timeout handles after − before: chunkwise ${leftoverTimers(chunkwise)}, raw HTTP ${leftoverTimers(raw)}; while streaming: chunkwise ${chunkwise.sample?.timersDuring ?? '–'}, raw ${raw.sample?.timersDuring ?? '–'}` },
  ];
  const row = (name, pass, s) =>
    `| ${name} | ${pass.completedCorrectly}/${streams} | ${(pass.totalMs / 1000).toFixed(2)} | ${pass.peakRssMB.toFixed(0)} | ${s ? s.active : '–'} | ${kib(s?.liveBytes)} | ${kib(s?.rssBytes)} | ${kib(s?.assembledBytes)} | ${JSON.stringify(pass.resourcesAfter)} |`;
  const table = [
    `${streams} concurrent streams of ${relative(ROOT, recording.file)} (${recording.bytes} bytes, ${pieces} pieces ${delay} ms apart) from a node:http server in another process, over loopback HTTP (fetch), in one Node process.`,
    '',
    '| client | correct | total s | peak RSS MB | active at sample | live KiB / stream | RSS KiB / stream | assembled KiB / stream | active resources after |',
    '|---|--:|--:|--:|--:|--:|--:|--:|---|',
    row('raw HTTP (read and drop the bytes)', raw, r),
    row('chunkwise streamEvents() + idleTimeoutMs', chunkwise, c),
    '',
    `chunkwise memory per active stream beyond HTTP and the assembled object: **${kib(net)} KiB** (goal < 64 KiB). "live" = heapUsed + external after a forced GC while the streams were active, minus the resting process.`,
  ].join('\n');
  return { ok: true, recording: recording.name, streams, pieces, delayMs: delay, raw, chunkwise, perStream: { raw: r, chunkwise: c, netBytes: net }, targets, table };
}

if (args.has('serve')) serve(process.argv[3], Number(process.argv[4]));
else if (args.has('client')) await client(process.argv[3], process.argv[4], Number(process.argv[5]), process.argv[6]);
else {
  await orchestrate();
  if (!process.send) process.exit(0);
}
