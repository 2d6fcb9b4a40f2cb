// Where chunkwise's time goes, layer by layer, on one body: the floor, the floor keeping every
// parsed chunk (the GC cost of retaining what an assembler must retain), chunkwise's decoder
// + JSON.parse, createPipeline without and with events (no RxJS, no ReadableStream plumbing),
// then assemble() and streamEvents(). All in one process, interleaved round by round so that
// a busy machine slows every variant alike; median and min ms of the rounds after 3 warm-up rounds.
//
//   node --expose-gc bench/breakdown.mjs openai-text-20k [rounds]
import { createParser } from 'eventsource-parser';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
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

export async function breakdown(body, rounds = 15) {
  const cw = await import(pathToFileURL(join(chunkwiseDist(join(DATA_DIR, '../..')), 'index.js')).href);
  const bytes = loadBody(body.file);
  const cuts = cutPoints(bytes.byteLength, body.name);
  const all = variants(cw, body.provider, body.transport);
  const times = Object.fromEntries(Object.keys(all).map((k) => [k, []]));
  for (let round = 0; round < rounds + 3; round++) {
    for (const [name, run] of Object.entries(all)) {
      const stream = streamOf(freshPieces(bytes, cuts));
      globalThis.gc?.();
      const start = performance.now();
      await run(stream);
      if (round >= 3) times[name].push(performance.now() - start);
    }
  }
  const floor = median(times.floor);
  return Object.entries(times).map(([variant, t]) => ({ variant, medianMs: median(t), minMs: Math.min(...t), xFloor: median(t) / floor }));
}

export function breakdownTable(body, rows) {
  const lines = [`Where the time goes on ${body.name} (one process, variants interleaved, ms):`, '', '| layer | median ms | min ms | × floor |', '|---|--:|--:|--:|'];
  for (const r of rows) lines.push(`| ${r.variant} | ${r.medianMs.toFixed(1)} | ${r.minMs.toFixed(1)} | ${r.xFloor.toFixed(2)}× |`);
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { ensureBodies } = await import('./generate.mjs');
  const body = ensureBodies(['2k', '20k', '200k']).find((b) => b.name === (process.argv[2] ?? 'openai-text-20k'));
  if (!body) throw new Error(`No generated body named ${process.argv[2]}`);
  const rows = await breakdown(body, Number(process.argv[3] ?? 15));
  if (process.send) await new Promise((resolve) => process.send({ ok: true, body: body.name, rows, table: breakdownTable(body, rows) }, resolve));
  else console.log(breakdownTable(body, rows));
}
