// The load run: 1,000 concurrent streams in one Node process, from a local HTTP server (a
// separate process, lib/load-server.mjs) that replays a recording over real loopback HTTP with
// small delays: the project's own `createReplayServer` (chunkwise/node) when the build has it,
// paced at a few events a second, else (or with --server=builtin) a minimal node:http server
// writing the body in 150–600-byte pieces. Two client passes in fresh processes: `raw` reads
// the bytes and drops them (what HTTP alone costs), `chunkwise` runs streamEvents() with an
// idle timeout on each.
// Reports total time, peak RSS, memory per active stream (net of HTTP and of the assembled
// object; goal < 64 KiB) and the timers left behind.
//
//   node bench/load.mjs [--streams=1000] [--recording=recordings/openai-text-usage.sse] [--server=builtin|replay]
import { fork } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chunkwiseDist, snapshotDist } from './lib/dist-snapshot.mjs';
import { runChild } from './lib/fork.mjs';
import { mismatch } from './lib/reference.mjs';
import { recordingBodies } from './lib/recordings.mjs';

const SELF = fileURLToPath(import.meta.url);
const BENCH = dirname(SELF);
const ROOT = join(BENCH, '..');
const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')).map(([k, v]) => [k, v ?? true]));
const send = (message) => new Promise((resolve) => (process.send ? process.send(message, resolve) : resolve(console.log(JSON.stringify(message, null, 1)))));
const KiB = 1024;

// ---------------------------------------------------------------------------------------------
// Clients
const resourceCounts = () => process.getActiveResourcesInfo().reduce((m, type) => ((m[type] = (m[type] ?? 0) + 1), m), {});
const liveMemory = () => {
  globalThis.gc?.();
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, external: m.external, rss: m.rss };
};

/** GET for the built-in server; the replay server wants the POST an OpenAI client sends. */
function requestFor(recording) {
  if (!recording) return undefined;
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-chunkwise-recording': recording },
    body: JSON.stringify({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'bench' }] }),
  };
}

async function client(kind, url, streams, truthFile, recording) {
  const truth = JSON.parse(readFileSync(truthFile, 'utf8'));
  const init = requestFor(recording);
  const { streamEvents } = await import(pathToFileURL(join(chunkwiseDist(ROOT), 'index.js')).href);
  // Warm the code paths and the HTTP client with one stream, so the baseline includes them.
  await (kind === 'raw' ? rawStream(url, init, {}) : chunkwiseStream(streamEvents, url, init, {}));
  await new Promise((r) => setTimeout(r, 100));
  const base = liveMemory();
  const resourcesBefore = resourceCounts();

  const state = { started: 0, finished: 0, lastEvents: new Array(streams), samples: [] };
  const sample = (active) => {
    const memory = liveMemory();
    // What the streams have assembled so far (measured after the memory, to not disturb it).
    let assembledBytes = 0;
    if (kind === 'chunkwise') for (const e of state.lastEvents) if (e && e.type !== 'done') assembledBytes += JSON.stringify(e.snapshot()).length;
    state.samples.push({ active, memory, assembledBytes, timersDuring: resourceCounts().Timeout ?? 0 });
  };
  let sampledAll = false;
  const sampler = setInterval(() => {
    const active = state.started - state.finished;
    // The moment every stream has begun is the fullest (a forced GC, then memoryUsage()); on
    // the way there, a few samples in case some never begin.
    if (state.started === streams && !sampledAll) {
      sampledAll = true;
      sample(active);
    } else if (!sampledAll && state.samples.length < 3 && active >= 0.5 * streams && active > (state.samples.at(-1)?.active ?? 0) + 0.15 * streams) {
      sample(active);
    }
  }, 100);

  const began = performance.now();
  const outcomes = await Promise.all(
    Array.from({ length: streams }, (_, i) => (kind === 'raw' ? rawStream(url, init, state) : chunkwiseStream(streamEvents, url, init, state, i))),
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

async function rawStream(url, init, state) {
  try {
    const response = await fetch(url, init);
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

function chunkwiseStream(streamEvents, url, init, state, i) {
  return new Promise((resolve) => {
    let response;
    let first = true;
    streamEvents(fetch(url, init), { provider: 'openai', idleTimeoutMs: 30_000 }).subscribe({
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
  if (!process.env.CHUNKWISE_DIST) snapshotDist(ROOT, BENCH); // run alone: a rebuild must not pull dist/ away
  const recording = pickRecording();
  if (!recording) return send({ ok: false, error: 'no success .sse recording in recordings/' });
  const replay = args.get('server') !== 'builtin' && existsSync(join(chunkwiseDist(ROOT), 'node.js'));
  // Long enough that all the streams are open at once even when the server is slow to accept them.
  const serverArgs = replay ? ['replay', recording.file, '6000', String(recording.events)] : ['builtin', recording.file, '4000'];
  const server = fork(join(BENCH, 'lib/load-server.mjs'), serverArgs, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const started = await new Promise((resolve) => server.once('message', resolve));
  const passes = {};
  try {
    for (const kind of ['raw', 'chunkwise']) {
      passes[kind] = await runChild(SELF, ['--client', kind, started.url, String(streams), recording.truthFile, started.recording ?? ''], { timeoutMs: 180_000 });
    }
  } finally {
    server.kill();
  }
  const { raw, chunkwise } = passes;
  if (!raw.ok || !chunkwise.ok) return send({ ok: false, error: `raw: ${raw.error ?? 'ok'}; chunkwise: ${chunkwise.error ?? 'ok'}` });
  return send(summarize(recording, streams, started.server, raw, chunkwise));
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

function summarize(recording, streams, server, raw, chunkwise) {
  const r = perStream(raw);
  const c = perStream(chunkwise);
  const net = c && r ? c.liveBytes - r.liveBytes - c.assembledBytes : undefined;
  const kib = (x) => (x === undefined ? '–' : (x / KiB).toFixed(1));
  const targets = [
    { target: '1,000 streams complete with correct final objects', body: recording.name, value: chunkwise.completedCorrectly, display: `${chunkwise.completedCorrectly} / ${streams}`, limit: streams, pass: chunkwise.completedCorrectly === streams, note: chunkwise.errors.join('; ') },
    { target: 'memory per active stream < 64 KiB (net of HTTP and of the assembled object)', body: recording.name, value: net === undefined ? undefined : net / KiB, display: `${kib(net)} KiB`, limit: 64, pass: net !== undefined && net < 64 * KiB, note: c ? `${kib(net)} KiB, measured with ${c.active} streams active` : 'no sample with half the streams active' },
    { target: 'no per-stream timers left after completion', body: recording.name, value: leftoverTimers(chunkwise), display: `${leftoverTimers(chunkwise)} timers`, limit: leftoverTimers(raw), pass: leftoverTimers(chunkwise) <= Math.max(0, leftoverTimers(raw)), note: `Timeout handles after − before: chunkwise ${leftoverTimers(chunkwise)}, raw HTTP ${leftoverTimers(raw)}; while streaming: chunkwise ${chunkwise.sample?.timersDuring ?? '–'}, raw ${raw.sample?.timersDuring ?? '–'}` },
  ];
  const row = (name, pass, s) =>
    `| ${name} | ${pass.completedCorrectly}/${streams} | ${(pass.totalMs / 1000).toFixed(2)} | ${pass.peakRssMB.toFixed(0)} | ${s ? s.active : '–'} | ${kib(s?.liveBytes)} | ${kib(s?.rssBytes)} | ${kib(s?.assembledBytes)} | ${JSON.stringify(pass.resourcesAfter)} |`;
  const table = [
    `${streams} concurrent streams of ${relative(ROOT, recording.file)} (${recording.bytes} bytes, ${recording.events} events) from ${server} in another process, over loopback HTTP (fetch), in one Node process.`,
    '',
    '| client | correct | total s | peak RSS MB | active at sample | live KiB / stream | RSS KiB / stream | assembled KiB / stream | active resources after |',
    '|---|--:|--:|--:|--:|--:|--:|--:|---|',
    row('raw HTTP (read and drop the bytes)', raw, r),
    row('chunkwise streamEvents() + idleTimeoutMs', chunkwise, c),
    '',
    `chunkwise memory per active stream beyond HTTP and the assembled object: **${kib(net)} KiB** (goal < 64 KiB). "live" = heapUsed + external after a forced GC while the streams were active, minus the resting process.`,
  ].join('\n');
  return { ok: true, recording: recording.name, streams, server, raw, chunkwise, perStream: { raw: r, chunkwise: c, netBytes: net }, targets, table };
}

if (args.has('client')) await client(process.argv[3], process.argv[4], Number(process.argv[5]), process.argv[6], process.argv[7]);
else {
  await orchestrate();
  if (!process.send) process.exit(0);
}
