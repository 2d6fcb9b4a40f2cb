/**
 * Benchmark of the incremental JSON parser on tool-call-argument-like texts (nested objects, long
 * strings with escapes and non-ASCII, arrays of records) of 10 KB, 100 KB and 1 MB, delivered in
 * 8-character fragments with a partial value taken after every fragment.
 *
 * Compares with re-parsing the accumulated text after every fragment with `partial-json` (the
 * usual approach, quadratic), with one `JSON.parse` of the final text, and with
 * `@streamparser/json` fed the same fragments (no partial values).
 *
 * Run (Node 20, no tsx): bundle with esbuild (installed with vite/tsup), then run the bundle:
 *
 *     npx esbuild bench/incremental-json.ts --bundle --platform=node --format=esm \
 *       --outfile=.tmp/bench/incremental-json.mjs --log-level=warning \
 *       && node .tmp/bench/incremental-json.mjs
 *
 * On a busy machine (load average above the CPU count), measure CPU time instead of wall time:
 *
 *     node --single-threaded-gc .tmp/bench/incremental-json.mjs --cpu-time
 *
 * Add `--json` to also print the results object.
 * Or import `runIncrementalJsonBench()` and read the returned results.
 */
import { cpus, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { JSONParser } from '@streamparser/json';
import { parse as parsePartialJson } from 'partial-json';
import { createIncrementalJson } from '../src/assembly/incremental-json.js';
// The test suite's mulberry32: the same inputs as before, one copy of the generator.
import { seededRandom } from '../test/helpers/seeded-random.js';

export interface IncrementalJsonBenchOptions {
  /** Text sizes in bytes (UTF-16 code units, close to bytes: the text is mostly ASCII). */
  sizes?: number[];
  /** Sizes at which partial-json is measured (it is quadratic: keep these small). */
  partialJsonSizes?: number[];
  fragmentSize?: number;
  /** Measured rounds per size (after a warm-up round); medians are reported. */
  runs?: number;
  /** Runs for partial-json (slow). */
  partialJsonRuns?: number;
  log?: (line: string) => void;
  /**
   * `'wall'` (default): performance.now(). `'cpu'`: process CPU time, which does not count the time
   * the process waits for a CPU, so it stays meaningful on a loaded machine; run node with
   * `--single-threaded-gc` then, so that GC work is counted once, on the main thread.
   */
  clock?: 'wall' | 'cpu';
}

export interface SizeResult {
  size: number;
  /** Characters in the text. */
  chars: number;
  fragments: number;
  /** feed + partial() after every fragment + end(), median ms. */
  incrementalMs: number;
  /** feed only (no partial values) + end(), median ms. */
  incrementalFeedOnlyMs: number;
  /** feed + snapshot() after every fragment (copies the open containers), median ms; only at sizes ≤ 100 KB. */
  incrementalSnapshotMs?: number;
  /** One JSON.parse of the final text, median ms. */
  jsonParseMs: number;
  /** @streamparser/json fed the same fragments, no partial values, median ms. */
  streamparserMs: number;
  /** Re-parse of the accumulated text with partial-json after every fragment, median ms (measured sizes only). */
  partialJsonMs?: number;
  /** partial-json extrapolated (quadratic growth from the largest measured size) when not measured. */
  partialJsonExtrapolatedMs?: number;
  /** partial-json time / incremental time: median of ratios to adjacent runs when measured, else extrapolated. */
  speedupVsPartialJson: number;
  /** incremental time / JSON.parse time (median of the per-round ratios). */
  incrementalVsJsonParse: number;
  /** @streamparser/json time / JSON.parse time (median of the per-round ratios). */
  streamparserVsJsonParse: number;
}

export interface IncrementalJsonBenchResult {
  node: string;
  fragmentSize: number;
  clock: 'wall' | 'cpu';
  /** 1-minute load average at the start and end, and the CPU count: timings are only meaningful when load < CPUs. */
  load: { start: number; end: number; cpus: number };
  results: SizeResult[];
  /**
   * time(largest) / time(10× smaller) with a partial value after every fragment (linear = 10;
   * target ≤ 12), median of per-round ratios. Each sample does the same work: one run at the
   * largest size against ten back-to-back runs at the smaller size (their mean is its time), so
   * that neither side is a lone run paying for the heap state the previous contender left.
   */
  linearity: number | undefined;
  /** The same, from single runs at each size (the rounds' own timings; noisier). */
  linearitySingleRun: number | undefined;
  /** The equal-work ratio for JSON.parse (what memory effects alone cost at the larger size on this machine). */
  jsonParseLinearity: number | undefined;
  /** Growth exponent of partial-json between the measured sizes (2 = quadratic). */
  partialJsonExponent: number | undefined;
}

// ---------------------------------------------------------------------------------------------
// Deterministic input

const WORDS = (
  'the of and to in is that for it as with was on be by this are from at or an which have not ' +
  'stream parser token value array object string number chunk fragment result user search query ' +
  'résumé café naïve Zürich São Paulo 東京 データ 😀 🚀 "quoted" back\\slash tab\tnew\nline'
).split(' ');

function generateArguments(targetSize: number, seed = 42): string {
  const r = seededRandom(seed);
  const int = (n: number) => Math.floor(r() * n);
  const words = (n: number) => Array.from({ length: n }, () => WORDS[int(WORDS.length)]).join(' ');
  const record = (id: number) => ({
    id,
    title: words(4 + int(8)),
    author: { name: words(2), email: `user${int(100000)}@example.com`, verified: r() < 0.5 },
    score: Math.round(r() * 1e6) / 1e4,
    published: r() < 0.8,
    tags: Array.from({ length: int(6) }, () => words(1)),
    body: words(30 + int(120)),
    refs: Array.from({ length: int(8) }, () => int(1e6)),
    meta: r() < 0.3 ? null : { lang: 'en', version: int(10), ratio: -r() * 1e-3 },
  });
  const value = {
    query: words(12),
    filters: { from: '2024-01-01', to: '2024-12-31', tags: ['a', 'b', 'c'], limit: 100, strict: false },
    summary: words(100),
    results: [] as unknown[],
    notes: words(40),
  };
  let size = JSON.stringify(value).length;
  for (let id = 0; size < targetSize; id++) {
    const rec = record(id);
    value.results.push(rec);
    size += JSON.stringify(rec).length + 1;
  }
  return JSON.stringify(value);
}

/** Cuts `text` into fragments of `size` characters, never between the two halves of a surrogate pair. */
function fragmentsOf(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; ) {
    let end = Math.min(text.length, i + size);
    if (end < text.length && (text.charCodeAt(end - 1) & 0xfc00) === 0xd800) end++;
    out.push(text.slice(i, end));
    i = end;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Runs

let sink: unknown;

function incremental(fragments: readonly string[], take: 'partial' | 'snapshot' | 'none'): unknown {
  const json = createIncrementalJson();
  for (let i = 0; i < fragments.length; i++) {
    json.feed(fragments[i]);
    if (take === 'partial') sink = json.partial();
    else if (take === 'snapshot') sink = json.snapshot();
  }
  return json.end();
}

function partialJson(fragments: readonly string[]): unknown {
  let buffer = '';
  let value: unknown;
  for (let i = 0; i < fragments.length; i++) {
    buffer += fragments[i];
    value = parsePartialJson(buffer);
  }
  return value;
}

function streamparser(fragments: readonly string[]): unknown {
  let value: unknown;
  const parser = new JSONParser({ paths: ['$'], keepStack: false });
  parser.onValue = ({ value: v }) => {
    value = v;
  };
  for (let i = 0; i < fragments.length; i++) parser.write(fragments[i]);
  if (!parser.isEnded) parser.end(); // it ends by itself after the top-level value
  return value;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function cpuNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

let now: () => number = () => performance.now();

/** Milliseconds of one call. */
function once(fn: () => unknown): number {
  const t0 = now();
  sink = fn();
  return now() - t0;
}

/** Milliseconds per call of a fast function, timed in a batch lasting at least ~10 ms. */
function batched(fn: () => unknown): number {
  let batch = 1;
  for (;;) {
    const t0 = now();
    for (let i = 0; i < batch; i++) sink = fn();
    const ms = now() - t0;
    if (ms > 10) return ms / batch;
    batch *= 2;
  }
}

/** Median ms of `runs` runs (after one warm-up run unless `warmUp` is false). */
function time(runs: number, fn: () => unknown, warmUp = true): number {
  if (warmUp) sink = fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(once(fn));
  return median(times);
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export async function runIncrementalJsonBench(options: IncrementalJsonBenchOptions = {}): Promise<IncrementalJsonBenchResult> {
  const sizes = options.sizes ?? [10_000, 100_000, 1_000_000];
  const pjSizes = options.partialJsonSizes ?? [10_000, 100_000];
  const fragmentSize = options.fragmentSize ?? 8;
  const runs = options.runs ?? 11;
  const pjRuns = options.partialJsonRuns ?? 3;
  const log = options.log ?? (() => {});
  const loadAtStart = loadavg()[0];
  const clock = options.clock ?? 'wall';
  now = clock === 'cpu' ? cpuNow : () => performance.now();

  const cases = sizes.map((size) => {
    const text = generateArguments(size);
    const fragments = fragmentsOf(text, fragmentSize);
    const expected = JSON.parse(text);
    if (!sameValue(incremental(fragments, 'partial'), expected)) throw new Error(`incremental parser: wrong value at ${size}`);
    if (!sameValue(incremental(fragments, 'snapshot'), expected)) throw new Error(`incremental parser (snapshot): wrong value at ${size}`);
    if (!sameValue(streamparser(fragments), expected)) throw new Error(`@streamparser/json: wrong value at ${size}`);
    if (pjSizes.includes(size) && !sameValue(partialJson(fragments), expected)) throw new Error(`partial-json: wrong value at ${size}`);
    log(`size ${size}: ${text.length} chars, ${fragments.length} fragments`);
    return { size, text, fragments };
  });

  // Warm-up: let the JIT optimise every parser on a mid-sized text before anything is measured.
  {
    const fragments = fragmentsOf(generateArguments(100_000, 7), fragmentSize);
    const small = fragmentsOf(generateArguments(5_000, 7), fragmentSize);
    const t0 = performance.now();
    while (performance.now() - t0 < 1500) {
      sink = incremental(fragments, 'partial');
      sink = incremental(fragments, 'none');
      sink = incremental(small, 'snapshot');
      sink = streamparser(fragments);
      sink = partialJson(small);
      sink = JSON.parse(JSON.stringify(sink));
    }
  }

  // Phase 1, in rounds: every contender at every size runs once per round, so that a slow period
  // (other processes on the machine) hits them all alike; the ratios are medians of per-round ratios.
  const samples = cases.map(() => ({
    jsonParse: [] as number[],
    partial: [] as number[],
    feedOnly: [] as number[],
    snapshot: [] as number[],
    streamparser: [] as number[],
    partialVsJsonParse: [] as number[],
    streamparserVsJsonParse: [] as number[],
  }));
  const largestIndex = cases.length - 1;
  const tenthIndex = cases.findIndex((c) => c.size * 10 === cases[largestIndex]?.size);
  const linearitySamples: number[] = [];
  const singleRunLinearitySamples: number[] = [];
  const jsonParseLinearitySamples: number[] = [];
  /** Mean ms of ten back-to-back runs of `fn`. */
  const tenInARow = (fn: () => unknown) => once(() => {
    for (let i = 0; i < 10; i++) sink = fn();
  }) / 10;
  for (let round = -1; round < runs; round++) {
    const partialThisRound: number[] = [];
    const jsonParseThisRound: number[] = [];
    cases.forEach(({ size, text, fragments }, k) => {
      // The contenders run in a rotating order, so that none always pays for the garbage of the same predecessor.
      const contenders = [
        () => batched(() => JSON.parse(text)),
        () => once(() => incremental(fragments, 'partial')),
        () => once(() => incremental(fragments, 'none')),
        () => (size <= 100_000 ? once(() => incremental(fragments, 'snapshot')) : NaN),
        () => once(() => streamparser(fragments)),
      ];
      const ms: number[] = [];
      for (let c = 0; c < contenders.length; c++) {
        const which = (c + round + 1) % contenders.length;
        ms[which] = contenders[which]();
      }
      const [jp, inc, feedOnly, snap, sp] = ms;
      partialThisRound[k] = inc;
      jsonParseThisRound[k] = jp;
      if (round < 0) return; // warm-up round
      const x = samples[k];
      x.jsonParse.push(jp);
      x.partial.push(inc);
      x.feedOnly.push(feedOnly);
      x.snapshot.push(snap);
      x.streamparser.push(sp);
      x.partialVsJsonParse.push(inc / jp);
      x.streamparserVsJsonParse.push(sp / jp);
    });
    if (round >= 0 && tenthIndex >= 0) {
      singleRunLinearitySamples.push(partialThisRound[largestIndex] / partialThisRound[tenthIndex]);
      const small = cases[tenthIndex];
      const large = cases[largestIndex];
      linearitySamples.push(once(() => incremental(large.fragments, 'partial')) / tenInARow(() => incremental(small.fragments, 'partial')));
      jsonParseLinearitySamples.push(tenInARow(() => JSON.parse(large.text)) / (tenInARow(() => {
        for (let i = 0; i < 10; i++) sink = JSON.parse(small.text);
      }) / 10));
    }
    log(`round ${round + 1}/${runs}`);
  }
  const linearity = linearitySamples.length ? median(linearitySamples) : undefined;

  // Phase 2: partial-json (quadratic, slow). Each run is bracketed by runs of the incremental
  // parser on the same fragments, and the speedup is the median of those local ratios.
  const pj = new Map<number, { ms: number; speedup: number }>();
  for (const { size, fragments } of cases) {
    if (!pjSizes.includes(size)) continue;
    const times: number[] = [];
    const speedups: number[] = [];
    for (let r = 0; r < pjRuns; r++) {
      const before = time(5, () => incremental(fragments, 'partial'), false);
      const ms = once(() => partialJson(fragments));
      const after = time(5, () => incremental(fragments, 'partial'), false);
      times.push(ms);
      speedups.push(ms / ((before + after) / 2));
      log(`partial-json ${size}: run ${r + 1}/${pjRuns}: ${ms.toFixed(0)} ms`);
    }
    pj.set(size, { ms: median(times), speedup: median(speedups) });
  }
  const pjMeasured = cases.filter((c) => pj.has(c.size));
  const pjFirst = pjMeasured[0];
  const pjLast = pjMeasured[pjMeasured.length - 1];

  const results: SizeResult[] = cases.map(({ size, text, fragments }, k) => {
    const x = samples[k];
    const result: SizeResult = {
      size,
      chars: text.length,
      fragments: fragments.length,
      incrementalMs: median(x.partial),
      incrementalFeedOnlyMs: median(x.feedOnly),
      jsonParseMs: median(x.jsonParse),
      streamparserMs: median(x.streamparser),
      speedupVsPartialJson: NaN,
      incrementalVsJsonParse: median(x.partialVsJsonParse),
      streamparserVsJsonParse: median(x.streamparserVsJsonParse),
    };
    if (size <= 100_000) result.incrementalSnapshotMs = median(x.snapshot);
    const measured = pj.get(size);
    if (measured) {
      result.partialJsonMs = measured.ms;
      result.speedupVsPartialJson = measured.speedup;
    } else if (pjLast && size > pjLast.size) {
      // Quadratic extrapolation from the largest measured size. The speedup scales by the square of
      // the size ratio divided by the incremental parser's own growth between the two sizes.
      const last = pj.get(pjLast.size)!;
      const growth = (text.length / pjLast.text.length) ** 2;
      const lastIndex = cases.indexOf(pjLast);
      const incGrowth = median(x.partial.map((ms, r) => ms / samples[lastIndex].partial[r]));
      result.partialJsonExtrapolatedMs = last.ms * growth;
      result.speedupVsPartialJson = (last.speedup * growth) / incGrowth;
    }
    return result;
  });

  return {
    node: process.version,
    fragmentSize,
    clock,
    load: { start: loadAtStart, end: loadavg()[0], cpus: cpus().length },
    results,
    linearity,
    linearitySingleRun: singleRunLinearitySamples.length ? median(singleRunLinearitySamples) : undefined,
    jsonParseLinearity: jsonParseLinearitySamples.length ? median(jsonParseLinearitySamples) : undefined,
    partialJsonExponent:
      pjFirst && pjLast && pjFirst !== pjLast
        ? Math.log(pj.get(pjLast.size)!.ms / pj.get(pjFirst.size)!.ms) / Math.log(pjLast.text.length / pjFirst.text.length)
        : undefined,
  };
}

export function formatIncrementalJsonBench(r: IncrementalJsonBenchResult): string {
  const ms = (x: number | undefined) => (x === undefined ? '–' : x < 10 ? x.toFixed(2) : x.toFixed(0));
  const kb = (n: number) => (n >= 1_000_000 ? `${n / 1_000_000} MB` : `${n / 1000} KB`);
  const lines = [
    `Node ${r.node}, ${r.fragmentSize}-character fragments, a partial value after every fragment (median ms, ${r.clock === 'cpu' ? 'process CPU time' : 'wall clock'}). Load average ${r.load.start.toFixed(1)} → ${r.load.end.toFixed(1)} on ${r.load.cpus} CPUs.`,
    '',
    '| size | fragments | incremental + partial | feed only | snapshot() | JSON.parse | partial-json re-parse | speedup vs partial-json | incremental / JSON.parse | @streamparser/json | streamparser / JSON.parse |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const x of r.results) {
    const pj = x.partialJsonMs !== undefined ? ms(x.partialJsonMs) : x.partialJsonExtrapolatedMs !== undefined ? `≈${ms(x.partialJsonExtrapolatedMs)} (extrapolated)` : '–';
    const speedup = Number.isNaN(x.speedupVsPartialJson) ? '–' : `${x.speedupVsPartialJson.toFixed(0)}×${x.partialJsonMs === undefined ? ' (extrapolated)' : ''}`;
    lines.push(
      `| ${kb(x.size)} | ${x.fragments} | ${ms(x.incrementalMs)} | ${ms(x.incrementalFeedOnlyMs)} | ${ms(x.incrementalSnapshotMs)} | ${ms(x.jsonParseMs)} | ${pj} | ${speedup} | ${x.incrementalVsJsonParse.toFixed(1)}× | ${ms(x.streamparserMs)} | ${x.streamparserVsJsonParse.toFixed(1)}× |`,
    );
  }
  lines.push('');
  if (r.linearity !== undefined) {
    lines.push(
      `Linearity: time(largest) / time(10× smaller) = ${r.linearity.toFixed(2)} (linear = 10, target ≤ 12; each sample is one run at the largest size against ten back-to-back runs at the smaller one, the same amount of text); JSON.parse on the same texts: ${r.jsonParseLinearity?.toFixed(2)}. From lone runs (each after another contender's garbage): ${r.linearitySingleRun?.toFixed(2)}.`,
    );
  }
  if (r.partialJsonExponent !== undefined) lines.push(`partial-json growth exponent between the measured sizes: ${r.partialJsonExponent.toFixed(2)} (2 = quadratic).`);
  return lines.join('\n');
}

const entry = typeof process !== 'undefined' ? process.argv[1] : undefined;
// (the name check keeps a bundle of another script that imports this module from running it)
const invokedDirectly = entry !== undefined && /incremental-json\.[cm]?[jt]s$/.test(entry) && import.meta.url === pathToFileURL(entry).href;
if (invokedDirectly) {
  const result = await runIncrementalJsonBench({
    log: (line) => console.error(line),
    clock: process.argv.includes('--cpu-time') ? 'cpu' : 'wall',
  });
  console.log(formatIncrementalJsonBench(result));
  if (process.argv.includes('--json')) console.log(JSON.stringify(result, null, 2));
}
