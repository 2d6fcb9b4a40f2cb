// The README's "Performance" section, rendered from one run's results (run.mjs --readme
// writes it to README-bench-section.md for the lead to merge).
import { targetsTable } from './report.mjs';

const ms = (x) => (x === undefined ? '–' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const times = (x) => (x === undefined ? '' : ` (${x >= 10 ? x.toFixed(0) : x.toFixed(2)}×)`);

function summaryTable(bodies) {
  const lines = [
    '| body | size | floor | **chunkwise** (× floor) | chunkwise `assemble()` | openai-node (× chunkwise) | AI SDK (× chunkwise) | ollama-js (× chunkwise) | chunkwise MB/s |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const { body, rows } of bodies) {
    const r = (name) => rows.find((x) => x.contestant === name);
    const cell = (name, ratioOf) => {
      const x = r(name);
      if (!x) return '';
      if (x.status === 'failed') return 'failed';
      const est = x.status === 'extrapolated' ? '≈' : '';
      return `${est}${ms(x.medianMs)}${ratioOf ? times(x[ratioOf]) : ''}${x.status === 'extrapolated' ? ' (extrapolated)' : ''}`;
    };
    const cw = r('chunkwise');
    lines.push(
      `| ${body.name} | ${(body.bytes / 1e6).toFixed(1)} MB | ${cell('floor')} | **${cell('chunkwise', 'xFloor')}** | ${cell('chunkwise-assemble')} | ${cell('openai-node', 'xChunkwise')} | ${cell('ai-sdk', 'xChunkwise')} | ${cell('ollama-js', 'xChunkwise')} | ${cw?.mbPerS?.toFixed(0) ?? '–'} |`,
    );
  }
  return lines.join('\n');
}

function memoryTable(bodies) {
  const lines = [
    'Peak RSS of one cold request above the resting process / live heap still held by the result afterwards (the final object; for the AI SDK its result object, for the floor the last chunk):',
    '',
    '| body | floor | chunkwise | chunkwise `assemble()` | openai-node | AI SDK |',
    '|---|--:|--:|--:|--:|--:|',
  ];
  for (const { body, rows } of bodies.filter((b) => b.body.family === 'openai-logprobs')) {
    const cell = (name) => {
      const m = rows.find((x) => x.contestant === name)?.memory;
      return m ? `${m.requestMB.toFixed(0)} / ${m.retainedMB.toFixed(0)} MB` : '–';
    };
    lines.push(`| ${body.name} | ${cell('floor')} | ${cell('chunkwise')} | ${cell('chunkwise-assemble')} | ${cell('openai-node')} | ${cell('ai-sdk')} |`);
  }
  return lines.join('\n');
}

export function renderReadmeSection(out) {
  const m = out.machine;
  const busy = m.loadAverage[0] > m.nproc * 0.5;
  return [
    '## Performance',
    '',
    'chunkwise is measured against the floor (the least any JavaScript consumer must do: split the transport and `JSON.parse` every event, no assembly) and against the peers, on the same bytes:',
    '',
    '- **floor**: `eventsource-parser`\'s `createParser` + `JSON.parse` per event (SSE); `TextDecoder` + line split + `JSON.parse` (NDJSON).',
    '- **chunkwise**: `streamEvents(stream, { provider })` subscribed, final object from the `done` event, with tool calls and logprobs assembled (and tool-call arguments parsed incrementally, since events are subscribed). `assemble()` (no events) is the second column.',
    '- **openai-node** `client.chat.completions.stream()` → `finalChatCompletion()`; **AI SDK** `streamText()` with `@ai-sdk/openai`, `fullStream` read to the end; **ollama-js** `chat({ stream: true })`, `content += part.message.content`. Each through a custom `fetch` that returns the stream.',
    '',
    'Bodies are generated with a seeded PRNG in the providers\' real wire format (every OpenAI chunk carries the full envelope and `obfuscation` padding; usage chunk; `data: [DONE]`), at about 2k, 20k and 200k tokens: OpenAI text with `logprobs` (5 `top_logprobs` a token, multi-byte characters), plain OpenAI text, three parallel OpenAI tool calls whose argument fragments arrive interleaved, and Ollama `/api/chat`. Every contestant gets the bytes as a `ReadableStream` in 1–4 KiB pieces (seeded sizes, fresh copies each run), runs in its own process, and has its final text, tool-call arguments and logprob count checked before it is timed. Times are the median of the runs after warm-up, from the first read to the final object (' +
      (out.clock === 'cpu' ? 'process CPU time, `--clock=cpu`' : 'wall clock') +
      ').',
    '',
    `Measured ${out.date.slice(0, 10)} on ${m.cpu} (${m.nproc} cores, \`nproc\` = ${m.nproc}), ${m.memoryGB} GB, Node ${m.node}, ${m.os}.${busy ? ` The machine was shared and busy (load average ${m.loadAverage[0]} on ${m.nproc} cores), so the numbers are noisier than they would be on an idle machine.` : ''} Reproduce with:`,
    '',
    '```sh',
    'npm run bench            # builds, then node bench/run.mjs; results in bench/results/latest.{md,json}',
    '```',
    '',
    '### Bytes to final object (median ms)',
    '',
    summaryTable(out.bodies),
    '',
    '### Memory of one request on the logprobs body',
    '',
    memoryTable(out.bodies),
    '',
    '### Targets',
    '',
    targetsTable(out.targets),
    '',
    out.load?.ok ? `### 1,000 concurrent streams\n\n${out.load.table}\n` : '',
    'The full tables (MB/s, ns per chunk, peak RSS, every ratio), the recordings, the incremental-JSON benchmark and CPU profiles are in `bench/results/latest.md`.',
    '',
  ].join('\n');
}
