// Where chunkwise's time goes, layer by layer, on one body: the floor, the floor keeping every
// parsed chunk (the GC cost of retaining what an assembler must retain), chunkwise's decoder
// + JSON.parse, createPipeline without and with events (no RxJS, no ReadableStream plumbing),
// then assemble() and streamEvents(). Each variant in its own process (variants sharing one
// process distorted each other: garbage left for the next one, JIT feedback from all of them),
// the processes forked in two interleaved rounds so that a busy machine slows every variant alike.
//
//   node bench/breakdown.mjs openai-text-20k [runs per process]
import { createParser } from 'eventsource-parser';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runChild } from './lib/fork.mjs';
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
 * feedback must not weigh on another's), forked in interleaved rounds; in each, a warm-up of
 * at least a second, then `runs` timed runs, no forced GC.
 */
export async function breakdown(body, runs = 5, rounds = 2) {
  const names = Object.keys(variants({}, body.provider, body.transport));
  const times = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round < rounds; round++) {
    for (const name of names) {
      const message = await runChild(fileURLToPath(import.meta.url), [body.name, '--variant', name, String(runs)]);
      if (!message.ok) throw new Error(`breakdown ${body.name} / ${name}: ${message.error}`);
      times[name].push(...message.times);
    }
  }
  const floor = median(times.floor);
  return names.map((variant) => ({ variant, medianMs: median(times[variant]), minMs: Math.min(...times[variant]), xFloor: median(times[variant]) / floor }));
}

/** Child: times one variant on one body. */
async function timeVariant(body, name, runs) {
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
  const times = [];
  for (let i = 0; i < runs; i++) times.push(await once());
  return times;
}

export function breakdownTable(body, rows) {
  const lines = [`Where the time goes on ${body.name} (each variant in its own process, interleaved rounds, ms):`, '', '| layer | median ms | min ms | × floor |', '|---|--:|--:|--:|'];
  for (const r of rows) lines.push(`| ${r.variant} | ${r.medianMs.toFixed(1)} | ${r.minMs.toFixed(1)} | ${r.xFloor.toFixed(2)}× |`);
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { ensureBodies } = await import('./generate.mjs');
  const body = ensureBodies(['2k', '20k', '200k']).find((b) => b.name === (process.argv[2] ?? 'openai-text-20k'));
  if (!body) throw new Error(`No generated body named ${process.argv[2]}`);
  if (process.argv[3] === '--variant') {
    const times = await timeVariant(body, process.argv[4], Number(process.argv[5] ?? 5));
    await new Promise((resolve) => process.send({ ok: true, times }, resolve));
  } else {
    const rows = await breakdown(body, Number(process.argv[3] ?? 5));
    if (process.send) await new Promise((resolve) => process.send({ ok: true, body: body.name, rows, table: breakdownTable(body, rows) }, resolve));
    else console.log(breakdownTable(body, rows));
  }
}
