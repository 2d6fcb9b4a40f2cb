// The benchmark's two write-ups, rendered from one run's results (bench/results/latest.json):
// README.md's "Performance" section (one short table, the command, a link) and the full
// results in bench/README.md (method, every table, targets, load run, incremental JSON). Each is
// the region between two marker comments in its file; the prose around them is written by hand.
//
//   node bench/lib/readme.mjs                 # render from bench/results/latest.json, without running the bench
//   node bench/lib/readme.mjs --from=FILE     # from another run's results (an earlier latest.json)
//   node bench/lib/readme.mjs --partial       # also from a run of some bodies only (--quick, --only)
//   npm run bench -- --readme                 # run the bench, then render from that run
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');

/** One row per target: its value on each body, PASS when every body passes. */
function targetsSummary(targets) {
  const groups = new Map();
  for (const t of targets) {
    if (!groups.has(t.target)) groups.set(t.target, []);
    groups.get(t.target).push(t);
  }
  const lines = ['| target | measured | result |', '|---|---|---|'];
  for (const [target, list] of groups) {
    const value = (t) => t.display ?? (t.value === undefined ? '–' : `${t.value.toFixed(2)}×`);
    // The middle half of the same-round ratios, where there are enough of them (report.mjs).
    const spread = (t) => (t.spread ? ` (${t.spread.q1.toFixed(2)}–${t.spread.q3.toFixed(2)})` : '');
    const measured = list.map((t) => `${t.body} ${value(t)}${spread(t)}${t.pass ? '' : ' ✗'}`).join(' · ');
    const missed = list.filter((t) => !t.pass).length;
    lines.push(`| ${target} | ${measured} | ${missed === 0 ? 'PASS' : `**MISS** (${missed} of ${list.length})`} |`);
  }
  return lines.join('\n');
}

/** What the bracketed figures of the targets table are, and how wide they came out in this run. */
function spreadNote(targets) {
  const widths = targets.filter((t) => t.spread).map((t) => t.spread.q3 - t.spread.q1);
  if (widths.length === 0) return '';
  return `In brackets: the middle half (quartiles) of the same-round ratios behind a × floor figure (where there are at least 8). In this run it was ${Math.min(...widths).toFixed(2)}–${Math.max(...widths).toFixed(2)} wide: two runs side by side on this machine often differ by more than the distance between a figure and its limit, so a figure a few hundredths over a limit is a near miss, not a measured gap.`;
}

/** The headline numbers in words, from the 20k and 200k bodies. */
function summary(out) {
  const big = out.bodies.filter(({ body }) => body.size !== '2k');
  const ratios = (name, key) => big.map(({ rows }) => rows.find((r) => r.contestant === name)?.[key]).filter((x) => x !== undefined && Number.isFinite(x));
  const range = (xs, digits = 1) => (xs.length ? `${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}×` : '–');
  const logprobs = out.bodies.find(({ body }) => body.name === 'openai-logprobs-200k') ?? out.bodies.find(({ body }) => body.name === 'openai-logprobs-20k');
  const mem = (name) => logprobs?.rows.find((r) => r.contestant === name)?.memory;
  const cw = mem('chunkwise');
  const on = mem('openai-node');
  const lines = [
    `- On the 20k- and 200k-token bodies chunkwise takes ${range(ratios('chunkwise', 'xFloor'), 2)} the floor's time with events subscribed (\`assemble()\`: ${range(ratios('chunkwise-assemble', 'xFloor'), 2)}).`,
    `- openai-node takes ${range(ratios('openai-node', 'xChunkwise'))} chunkwise's time, the AI SDK ${range(ratios('ai-sdk', 'xChunkwise'))}, ollama-js ${range(ratios('ollama-js', 'xChunkwise'), 2)}.`,
  ];
  if (cw && on) {
    lines.push(
      `- Memory, ${logprobs.body.name}: the final object with its ${logprobs.body.tokens.toLocaleString('en-US')} logprob tokens holds ${cw.retainedMB.toFixed(0)} MB in chunkwise and ${on.retainedMB.toFixed(0)} MB in openai-node (the same tokens; chunkwise builds them from its compact store when \`logprobs.content\` is first read, with equal tokens sharing one frozen \`bytes\` array); one request peaks ${cw.requestMB.toFixed(0)} MB above the resting process in chunkwise, ${on.requestMB.toFixed(0)} MB in openai-node.`,
    );
  }
  const linear = out.targets.filter((t) => t.target.startsWith('linear'));
  if (linear.length) lines.push(`- Cost growth: chunkwise's time on 200k tokens is ${range(linear.map((t) => t.value))} its time on 20k (10× the tokens; target ≤ 11×).`);
  if (out.load?.ok) {
    const net = out.load.perStream.netBytes;
    lines.push(`- ${out.load.streams.toLocaleString('en-US')} concurrent streams over loopback HTTP in one process: ${out.load.chunkwise.completedCorrectly} correct, ${(out.load.chunkwise.totalMs / 1000).toFixed(1)} s, ${net === undefined ? '–' : (net / 1024).toFixed(1)} KiB per active stream beyond HTTP and the assembled object, no timers left behind.`);
  }
  return lines.join('\n');
}

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

/** The incremental-JSON benchmark of the same run (bench/incremental-json.ts), when it ran. */
function incrementalSection(out) {
  if (!out.incrementalJson?.ok) return '';
  const m = out.machine;
  return [
    '### Incremental JSON (tool-call arguments, structured outputs)',
    '',
    `Same run, same machine (${m.cpu}, ${m.nproc} cores, ${m.memoryGB} GB, Node ${m.node}, ${out.date.slice(0, 10)}). Targets: 1 MB / 100 KB ≤ 12 (linear), ≥ 300× faster than re-parsing with \`partial-json\` at 100 KB, the whole 1 MB run ≤ 30× one \`JSON.parse\`; the 1 MB \`partial-json\` figure is extrapolated from 10 KB and 100 KB (quadratic), since running it takes many minutes.`,
    '',
    out.incrementalJson.table.trim(),
    '',
  ].join('\n');
}

/** What a run of some bodies only leaves out. */
function partialNote(out) {
  return isPartial(out) ? [`This run measured some bodies only (\`${out.command}\`): the tables hold those bodies.`, ''] : [];
}

/** Whether the run measured only some bodies or sizes (`--quick`, `--only`, `--sizes`). */
export function isPartial(out) {
  return /--(?:quick|only|sizes)\b/.test(out.command ?? '');
}

/** For each family, its body at 20k tokens (else its largest): the rows of the README's table. */
function headlineBodies(bodies) {
  const families = new Map();
  for (const entry of bodies) {
    const family = entry.body.family ?? entry.body.name.replace(/-(?:2k|20k|200k)$/, '');
    const held = families.get(family);
    const better = entry.body.size === '20k' || (held?.body.size !== '20k' && (held === undefined || entry.body.bytes > held.body.bytes));
    if (better) families.set(family, entry);
  }
  return [...families.values()];
}

/** README.md's Performance section: one short table, how it was made, where the rest is. */
export function renderReadmeSummary(out) {
  const m = out.machine;
  const rows = headlineBodies(out.bodies);
  const cell = (rowsOf, name, ratioOf) => {
    const x = rowsOf.find((r) => r.contestant === name);
    if (!x) return '–';
    if (x.status === 'failed') return 'failed';
    return `${x.status === 'extrapolated' ? '≈' : ''}${ms(x.medianMs)}${ratioOf ? times(x[ratioOf]) : ''}`;
  };
  const table = [
    '| body | size | floor | **chunkwise** (× floor) | openai-node (× chunkwise) | AI SDK (× chunkwise) | ollama-js (× chunkwise) |',
    '|---|--:|--:|--:|--:|--:|--:|',
    ...rows.map(({ body, rows: r }) => `| ${body.name} | ${(body.bytes / 1e6).toFixed(1)} MB | ${cell(r, 'floor')} | **${cell(r, 'chunkwise', 'xFloor')}** | ${cell(r, 'openai-node', 'xChunkwise')} | ${cell(r, 'ai-sdk', 'xChunkwise')} | ${cell(r, 'ollama-js', 'xChunkwise')} |`),
  ];
  const met = out.targets.filter((t) => t.pass).length;
  return [
    `Median milliseconds from the first byte to the final object, on each family's ${rows.every((r) => r.body.size === '20k') ? '20k-token body' : 'body'} (the same bytes for every contestant): the *floor* is the least any JavaScript consumer must do (split the transport and \`JSON.parse\` every event, no assembly), the peers are the official clients' own accumulators. chunkwise is measured with its events subscribed.`,
    '',
    ...table,
    '',
    `Measured ${out.date.slice(0, 10)} on ${m.cpu} (${m.nproc} cores), Node ${m.node}, ${out.clock === 'cpu' ? 'process CPU time' : 'wall clock'}, with:`,
    '',
    '```sh',
    out.command,
    '```',
    '',
    `${met} of ${out.targets.length} per-body targets were met in this run. [bench/README.md](bench/README.md) has the method, every body and size, memory, the 1,000-stream load run, the incremental JSON parser, the targets and the ones missed, and where the time goes.`,
  ].join('\n');
}

/** The full results, for bench/README.md. */
export function renderBenchResults(out) {
  const m = out.machine;
  const load = Math.max(m.loadAverage[0], m.loadAverageAtEnd?.[0] ?? 0);
  const busy = load > m.nproc * 0.75;
  return [
    '## Results',
    '',
    'chunkwise is measured against the floor (the least any JavaScript consumer must do: split the transport and `JSON.parse` every event, no assembly) and against the peers, on the same bytes:',
    '',
    '- **floor**: `eventsource-parser`\'s `createParser` + `JSON.parse` per event (SSE); `TextDecoder` + line split + `JSON.parse` (NDJSON).',
    '- **chunkwise**: `streamEvents(stream, { provider })` subscribed, final object from the `done` event, with tool calls and logprobs assembled; the verification reads `logprobs.content` (so the clock includes building that list from the compact store), the subscriber does not read `partial` (tool-call arguments are parsed only when it is read). `assemble()` (no events) is the second column.',
    '- **openai-node** `client.chat.completions.stream()` → `finalChatCompletion()`; **AI SDK** `streamText()` with `@ai-sdk/openai`, `fullStream` read to the end; **ollama-js** `chat({ stream: true })`, `content += part.message.content`. Each through a custom `fetch` that returns the stream.',
    '',
    'Bodies are generated with a seeded PRNG in the providers\' real wire format (every OpenAI chunk carries the full envelope and `obfuscation` padding; usage chunk; `data: [DONE]`), at about 2k, 20k and 200k tokens: OpenAI text with `logprobs` (5 `top_logprobs` a token, multi-byte characters), plain OpenAI text, three parallel OpenAI tool calls whose argument fragments arrive interleaved, and Ollama `/api/chat`. Every contestant gets the bytes as a `ReadableStream` in 1–4 KiB pieces (seeded sizes, fresh copies each run), runs in its own process, and has its final text, tool-call arguments and logprob count checked before it is timed. The contestants on a body take turns: all their processes are started, each makes its cold request (the memory columns) and warms up (at least 5 runs and 0.6 s on the 2k bodies, 2 runs and 1 s on 20k, 1 run on 200k; none for a contestant whose cold run took over 1.5 s), then each makes one timed run in turn, round after round, the order mirrored every other round so that the floor and chunkwise always run next to each other. The first two rounds are untimed (for contestants under 1.5 s a run): the first round after everyone\'s warm-ups ran slow for short runs (chunkwise on openai-tools-2k 2–3× its later times in round 0, sometimes in round 1; the floor hardly), and with a peer that makes only 2 runs a set, half its ratios came from that round. This machine slows down by up to 2× for seconds at a time; taking turns puts every contestant into the same stretches, where processes run one after the other caught different ones and rows near a target flipped from run to run. Each timed run follows an untimed run of the same process (contestants under 1.5 s a run), so that every timed run starts as in a process serving request after request: without it the order favoured the floor, which ran twice in a row at every mirror while chunkwise always came after another process (on ollama-chat-20k and openai-text-20k, 1.29× and 1.36× against 1.17× and 1.16× with it). ' + `${out.sets} sets of processes per body, runs pooled` + '. Times are medians of the timed runs; a **× ratio** is the median over the rounds of the two contestants\' ratio in the same round (the ratio of medians where there are fewer than 3 such rounds: a peer measured by one cold run). From the first read to the final object, no forced garbage collection between runs (a full collection just before a run made that run up to 2× slower for every contestant) (' +
      (out.clock === 'cpu' ? 'process CPU time, `--clock=cpu`' : 'wall clock') +
      ').',
    '',
    `Measured ${out.date.slice(0, 10)} on ${m.cpu} (${m.nproc} cores, \`nproc\` = ${m.nproc}), ${m.memoryGB} GB, Node ${m.node}, ${m.os}.${busy ? ` The machine was shared with other work (1-minute load average ${m.loadAverage[0]} at the start, ${m.loadAverageAtEnd?.[0]} at the end, on ${m.nproc} cores), so the numbers are noisier than on an idle machine.` : ''} Reproduce with:`,
    '',
    '```sh',
    `${out.command}${' '.repeat(Math.max(1, 28 - out.command.length))}# builds, then node bench/run.mjs; results in bench/results/latest.{md,json}`,
    '```',
    '',
    '### Summary',
    '',
    summary(out),
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
    targetsSummary(out.targets),
    '',
    spreadNote(out.targets),
    '',
    out.load?.ok ? `### 1,000 concurrent streams\n\n${out.load.table}\n` : '',
    incrementalSection(out),
    'Notes: the peers\' times include what their clients do per request besides reading the body (building the request, for openai-node and the AI SDK) because that is how they are used; a peer that takes several seconds a run on a 200k body is measured by one cold run; a contestant estimated above 45 s a run would be skipped and extrapolated (none was: the AI SDK 6 grows linearly on these bodies). Small bodies (2k tokens, and the few-KB recordings) are dominated by per-request costs and are the noisiest rows.',
    '',
    'The full tables (MB/s, ns per chunk, peak RSS, every ratio), the recordings (where openai-node and the AI SDK fail some cases: keep-alive events with empty data, `n: 2`, a tool call without `finish_reason`), the incremental-JSON benchmark, where chunkwise\'s time goes layer by layer, and CPU profiles are in `bench/results/latest.md`.',
    '',
    ...partialNote(out),
    '',
  ].join('\n');
}

/** Replaces the text between `<!-- NAME:begin … -->` and `<!-- NAME:end -->` in `text`. */
export function replaceRegion(text, name, content, file) {
  const begin = new RegExp(`<!-- ${name}:begin[^>]*-->\\n`);
  const end = `<!-- ${name}:end -->`;
  const start = begin.exec(text);
  const stop = text.indexOf(end);
  if (!start || stop < start.index) throw new Error(`${file} has no region <!-- ${name}:begin --> … <!-- ${name}:end -->`);
  return `${text.slice(0, start.index + start[0].length)}\n${content.trim()}\n\n${text.slice(stop)}`;
}

/** Writes both regions from one run's results. */
export function writeBenchDocs(out) {
  for (const [file, name, render] of [
    ['README.md', 'bench-summary', renderReadmeSummary],
    ['bench/README.md', 'bench-results', renderBenchResults],
  ]) {
    const path = join(ROOT, file);
    writeFileSync(path, replaceRegion(readFileSync(path, 'utf8'), name, render(out), file));
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')).map(([k, v]) => [k, v ?? true]));
  const from = args.get('from') ?? join(ROOT, 'bench/results/latest.json');
  const out = JSON.parse(readFileSync(from, 'utf8'));
  if (isPartial(out) && !args.has('partial')) {
    console.error(`${from} holds a run of some bodies only (${out.command}); README.md and bench/README.md keep a full run's figures. Pass --from=FILE with a full run's results, or --partial to render this one anyway.`);
    process.exit(2);
  }
  writeBenchDocs(out);
  console.error(`rendered README.md (Performance) and bench/README.md (results) from ${from} (${out.command}, ${out.date.slice(0, 10)})`);
}
