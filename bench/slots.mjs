// Many slots: 100,000 tool calls on distinct indexes, and 100,000 choices, each in ascending and in
// descending index order (issue 19, item 4: these were quadratic, 26 s and 14–17 s). Each body is
// built in memory, one chunk per call or choice, and timed against the floor of the same bytes
// (TextDecoder + eventsource-parser + JSON.parse of every event), the floor and chunkwise taking
// turns run by run in this one process. Target: under a second of assembly, linear whatever the
// order.
//
//   node bench/slots.mjs [--n=100000] [--runs=5]
import { performance } from 'node:perf_hooks';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createParser } from 'eventsource-parser';
import { chunkwiseDist } from './lib/dist-snapshot.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')).map(([k, v]) => [k, v ?? true]));
const N = Number(args.get('n') ?? 100_000);
const RUNS = Number(args.get('runs') ?? 5);
const LIMIT_MS = 1000;
const send = (message) => new Promise((resolve) => (process.send ? process.send(message, resolve) : resolve(console.log(message.table ?? JSON.stringify(message)))));

const envelope = '"id":"chatcmpl-slots","object":"chat.completion.chunk","created":1700000000,"model":"bench"';

function body(kind, descending) {
  const parts = [];
  for (let k = 0; k < N; k++) {
    const i = descending ? N - 1 - k : k;
    parts.push(
      kind === 'tool calls'
        ? `data: {${envelope},"choices":[{"index":0,"delta":{"tool_calls":[{"index":${i},"id":"call_${i}","type":"function","function":{"name":"f","arguments":"{}"}}]},"finish_reason":null}]}\n\n`
        : `data: {${envelope},"choices":[{"index":${i},"delta":{"content":"x"},"finish_reason":"stop"}]}\n\n`,
    );
  }
  if (kind === 'tool calls') parts.push(`data: {${envelope},"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}\n\n`);
  parts.push('data: [DONE]\n\n');
  return new TextEncoder().encode(parts.join(''));
}

function floor(bytes) {
  let count = 0;
  const parser = createParser({
    onEvent(e) {
      if (e.data !== '[DONE]') {
        JSON.parse(e.data);
        count++;
      }
    },
  });
  parser.feed(new TextDecoder().decode(bytes));
  return count;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const { assemble } = await import(pathToFileURL(join(chunkwiseDist(ROOT), 'index.js')).href);
  const rows = [];
  const targets = [];
  for (const kind of ['tool calls', 'choices']) {
    for (const descending of [false, true]) {
      const bytes = body(kind, descending);
      const name = `${N / 1000}k ${kind}, ${descending ? 'descending' : 'ascending'}`;
      const check = async () => {
        const r = await assemble(bytes);
        const list = kind === 'tool calls' ? r.choices[0].message.tool_calls : r.choices;
        if (list.length !== N || (kind === 'tool calls' ? list[N - 1].id !== `call_${N - 1}` : list[N - 1].index !== N - 1)) throw new Error(`${name}: wrong result`);
      };
      await check(); // warm-up, and the result is right
      floor(bytes);
      const times = { floor: [], chunkwise: [] };
      for (let run = 0; run < RUNS; run++) {
        let t = performance.now();
        floor(bytes);
        times.floor.push(performance.now() - t);
        t = performance.now();
        await check();
        times.chunkwise.push(performance.now() - t);
      }
      const f = median(times.floor);
      const c = median(times.chunkwise);
      rows.push(`| ${name} | ${(bytes.length / 1e6).toFixed(1)} | ${f.toFixed(0)} | ${c.toFixed(0)} | ${(c / f).toFixed(2)}× | ${RUNS} |`);
      targets.push({ target: `${N / 1000}k ${kind} in any index order assemble in < ${LIMIT_MS} ms`, body: name, value: c, limit: LIMIT_MS, pass: c < LIMIT_MS, note: `${c.toFixed(0)} ms, floor ${f.toFixed(0)} ms`, display: `${c.toFixed(0)} ms` });
    }
  }
  const table = ['| body | MB | floor ms | chunkwise ms | × floor | runs |', '|---|--:|--:|--:|--:|--:|', ...rows].join('\n');
  await send({ ok: true, table, targets });
}

main().catch((error) => send({ ok: false, error: String(error?.stack ?? error) }));
