// The README's "Performance" section, rendered from one run's results (run.mjs --readme
// writes it to bench/results/readme-section.md for the lead to merge).
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

export function renderReadmeSection(out) {
  const m = out.machine;
  const load = Math.max(m.loadAverage[0], m.loadAverageAtEnd?.[0] ?? 0);
  const busy = load > m.nproc * 0.75;
  return [
    '## Performance',
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
    'npm run bench            # builds, then node bench/run.mjs; results in bench/results/latest.{md,json}',
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
    'Notes: the peers\' times include what their clients do per request besides reading the body (building the request, for openai-node and the AI SDK) because that is how they are used; a peer that takes several seconds a run on a 200k body is measured by one cold run; a contestant estimated above 45 s a run would be skipped and extrapolated (none was: the AI SDK 6 grows linearly on these bodies). Small bodies (2k tokens, and the few-KB recordings) are dominated by per-request costs and are the noisiest rows.',
    '',
    'The full tables (MB/s, ns per chunk, peak RSS, every ratio), the recordings (where openai-node and the AI SDK fail some cases: keep-alive events with empty data, `n: 2`, a tool call without `finish_reason`), the incremental-JSON benchmark, where chunkwise\'s time goes layer by layer, and CPU profiles are in `bench/results/latest.md`.',
    '',
  ].join('\n');
}
