// Where chunkwise's time goes, layer by layer, on one body: the floor, the floor keeping every
// parsed chunk (the GC cost of retaining what an assembler must retain), chunkwise's decoder
// + JSON.parse, createPipeline without and with events (no RxJS, no ReadableStream plumbing),
// then assemble() and streamEvents(). Each variant in its own process (variants sharing one
// process distorted each other: garbage left for the next one, JIT feedback from all of them),
// the processes taking turns run by run so that a busy machine slows every variant alike.
//
//   node bench/breakdown.mjs openai-text-20k [rounds]
import { createParser } from 'eventsource-parser';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startChild } from './lib/fork.mjs';
import { DATA_DIR } from './generate.mjs';
import { chunkwiseDist } from './lib/dist-snapshot.mjs';
import { cutPoints, freshPieces, loadBody, streamOf } from './lib/pieces.mjs';
import { median } from './lib/report.mjs';

async function readAll(stream, onPiece) {
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    onPiece(value);
  }
}

function variants(cw, provider, transport) {
  const sse = transport === 'sse';
  const pipeline = (withEvents) => async (stream) => {
    let out;
    const p = cw.createPipeline({ provider }, { ...(withEvents ? { event() {} } : {}), final: (r) => (out = r), error: (e) => { throw e; } });
    await readAll(stream, (v) => p.feed(v));
    p.end();
    return out;
  };
  const floor = (keep) => async (stream) => {
    const decoder = new TextDecoder();
    const kept = [];
    if (sse) {
      const parser = createParser({ onEvent: (e) => e.data !== '[DONE]' && (keep ? kept.push(JSON.parse(e.data)) : JSON.parse(e.data)) });
      await readAll(stream, (v) => parser.feed(decoder.decode(v, { stream: true })));
    } else {
      let rest = '';
      await readAll(stream, (v) => {
        const lines = (rest + decoder.decode(v, { stream: true })).split('\n');
        rest = lines.pop();
        for (const line of lines) if (line) keep ? kept.push(JSON.parse(line)) : JSON.parse(line);
      });
    }
    return kept.length;
  };
  const decoder = async (stream) => {
    const d = sse
      ? cw.createSseDecoder({ message: (m) => JSON.parse(m.data), done() {}, error: (e) => { throw e; } })
      : cw.createNdjsonDecoder({ value() {}, error: (e) => { throw e; } });
    await readAll(stream, (v) => d.feed(v));
    d.end();
  };
  return {
    floor: floor(false),
    'floor, keeping every chunk': floor(true),
    [`chunkwise ${sse ? 'createSseDecoder' : 'createNdjsonDecoder'} + JSON.parse`]: decoder,
    'createPipeline, no events': pipeline(false),
    'createPipeline, events': pipeline(true),
    'assemble()': (stream) => cw.assemble(stream, { provider }),
    'streamEvents() subscribed': (stream) =>
      new Promise((resolve, reject) => {
        let r;
        cw.streamEvents(stream, { provider }).subscribe({ next: (e) => e.type === 'done' && (r = e.response), error: reject, complete: () => resolve(r) });
      }),
  };
}

/**
 * Each variant in its own process (as in the main bench: one variant's garbage and JIT
 * feedback must not weigh on another's), all started at once and warmed up (at least a second
 * each), then taking turns: one timed run each (after an untimed one, so that each starts with
 * its own caches), round after round, the order mirrored every other round. `× floor` is the
 * median over the rounds of the variant's ratio to the floor's run of the same round.
 */
export async function breakdown(body, runs = 15) {
  const names = Object.keys(variants({}, body.provider, body.transport));
  const children = names.map((name) => startChild(fileURLToPath(import.meta.url), [body.name, '--variant', name]));
  const times = names.map(() => []);
  try {
    for (let i = 0; i < names.length; i++) {
      const ready = await children[i].ready;
      if (!ready.ok) throw new Error(`breakdown ${body.name} / ${names[i]}: ${ready.error}`);
    }
    for (let round = 0; round < runs; round++) {
      const order = names.map((_, i) => i);
      if (round % 2 === 1) order.reverse();
      for (const i of order) {
        const reply = await children[i].ask({ cmd: 'run' });
        if (!reply.ok) throw new Error(`breakdown ${body.name} / ${names[i]}: ${reply.error}`);
        times[i].push(reply.ms);
      }
    }
  } finally {
    for (const child of children) child.stop();
  }
  return names.map((variant, i) => ({
    variant,
    medianMs: median(times[i]),
    minMs: Math.min(...times[i]),
    xFloor: median(times[i].map((t, round) => t / times[0][round])),
  }));
}

/** Child: one variant on one body, warmed up, then one timed run per request from the parent. */
async function serveVariant(body, name) {
  const cw = await import(pathToFileURL(join(chunkwiseDist(join(DATA_DIR, '../..')), 'index.js')).href);
  const bytes = loadBody(body.file);
  const cuts = cutPoints(bytes.byteLength, body.name);
  const run = variants(cw, body.provider, body.transport)[name];
  const once = async () => {
    const stream = streamOf(freshPieces(bytes, cuts));
    const start = performance.now();
    await run(stream);
    return performance.now() - start;
  };
  const warmupStart = performance.now();
  for (let i = 0; i < 2 || performance.now() - warmupStart < 1000; i++) await once();
  const send = (message) => new Promise((resolve) => process.send(message, resolve));
  process.on('message', async (m) => {
    if (m.cmd === 'exit') process.exit(0);
    await once();
    await send({ ok: true, ms: await once() });
  });
  await send({ ok: true, ready: true });
}

export function breakdownTable(body, rows) {
  const lines = [`Where the time goes on ${body.name} (each variant in its own process, taking turns; × floor is the median of same-round ratios; ms):`, '', '| layer | median ms | min ms | × floor |', '|---|--:|--:|--:|'];
  for (const r of rows) lines.push(`| ${r.variant} | ${r.medianMs.toFixed(1)} | ${r.minMs.toFixed(1)} | ${r.xFloor.toFixed(2)}× |`);
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { ensureBodies } = await import('./generate.mjs');
  const body = ensureBodies(['2k', '20k', '200k']).find((b) => b.name === (process.argv[2] ?? 'openai-text-20k'));
  if (!body) throw new Error(`No generated body named ${process.argv[2]}`);
  if (process.argv[3] === '--variant') {
    await serveVariant(body, process.argv[4]);
  } else {
    const rows = await breakdown(body, Number(process.argv[3] ?? 15));
    if (process.send) await new Promise((resolve) => process.send({ ok: true, body: body.name, rows, table: breakdownTable(body, rows) }, resolve));
    else console.log(breakdownTable(body, rows));
  }
}
