// npm run bench: chunkwise against the floor and its peers on the same bytes, the
// incremental-JSON benchmark and the 1,000-concurrent-streams load run. Prints markdown and
// writes bench/results/latest.{json,md}.
//
//   node bench/run.mjs                  # everything (about 25–30 minutes on this 2-core machine)
//   node bench/run.mjs --quick          # 2k and 20k bodies, fewer runs, no load/incremental
//   node bench/run.mjs --only=openai-text,ollama-chat --sizes=20k
//   flags: --sets=N (default 5: N sets of processes per body, whose contestants take turns run by run; runs pooled)
//          --no-recordings --no-load --no-incremental --no-slots --no-redis --no-profile --profile (always profile)
//          --readme (also render README.md's Performance section and bench/README.md's results from this run;
//                    node bench/lib/readme.mjs renders them from bench/results/latest.json without running anything)
//          --clock=cpu (time process CPU instead of wall clock: for a busy shared machine)
//          --baseline=REF (also race chunkwise built from git REF, for before/after figures from one run)
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { contestantsFor } from './contestants.mjs';
import { DATA_DIR, FAMILIES, SIZES, ensureBody } from './generate.mjs';
import { prepareBaseline } from './lib/baseline.mjs';
import { buildBenchTs } from './lib/build-ts.mjs';
import { snapshotDist } from './lib/dist-snapshot.mjs';
import { runChild, startChild } from './lib/fork.mjs';
import { machine } from './lib/machine.mjs';
import { recordingBodies } from './lib/recordings.mjs';
import { writeBenchDocs } from './lib/readme.mjs';
import { renderResults } from './lib/render.mjs';
import { deriveRows, evaluateTargets, median } from './lib/report.mjs';
import { profileContestant } from './profile.mjs';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = join(BENCH, '..');
const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')).map(([k, v]) => [k, v ?? true]));
const quick = args.has('quick');
const sizes = args.has('sizes') ? args.get('sizes').split(',') : quick ? ['2k', '20k'] : Object.keys(SIZES);
const families = args.has('only') ? args.get('only').split(',') : Object.keys(FAMILIES);
const log = (line) => process.stderr.write(`${line}\n`);
/** `--clock=cpu` times process CPU instead of wall time (steadier on a shared, busy machine). */
const clock = args.get('clock') === 'cpu' ? 'cpu' : 'wall';

/**
 * Runs per body size, in all (split over the rounds), after a warm-up of `warmup` runs lasting at
 * least `warmupMs` in every process; a contestant whose first run takes longer than slowMs does
 * at most 3 runs a round, no warm-up (its first, untimed run warmed it up).
 */
const PLANS = {
  recording: { warmup: 10, minRuns: 10, maxRuns: 200, budgetMs: quick ? 100 : 150 },
  '2k': { warmup: 5, warmupMs: quick ? 300 : 600, minRuns: 10, maxRuns: 40, budgetMs: quick ? 600 : 1500, slowMs: 1500 },
  '20k': { warmup: 2, warmupMs: quick ? 500 : 1000, minRuns: 6, maxRuns: 12, budgetMs: quick ? 1200 : 2500, slowMs: 1500 },
  '200k': { warmup: 1, minRuns: 4, maxRuns: 6, budgetMs: 4000, slowMs: 1500 },
};
/** Above this estimated time for one run, a contestant is not run but extrapolated. */
const SKIP_ABOVE_MS = 45_000;
const SINGLE_RUN_ABOVE_MS = 8_000;

/**
 * The contestants on one body take turns, run by run, each in a process of its own: all of a
 * body's processes are started, each does its cold request and warm-up in turn, then one timed run
 * each, round after round (see runSet for the order). This shared machine slows down by up to 2×
 * for seconds at a time (the floor alone, 12 runs in one process, CPU time: 49 and 52 ms, then
 * 27–30 ms); taking turns puts every contestant into the same stretches, where one process after
 * another would catch different ones. The whole is done `SETS` times, in new processes (runs
 * pooled), so that no contestant's number rests on one process's JIT decisions or on one process
 * that runs slow for its whole life (some do). The runs are split between the sets, so more sets
 * cost only their start-ups and warm-ups: a full run took 1596 s with 5 sets, 1360 s with 3.
 */
const SETS = Number(args.get('sets') ?? (quick ? 1 : 5));
/** Untimed rounds in the turn order before the timed ones (see runSet). */
const TURN_WARMUP = 2;
const perSet = (plan) => ({ ...plan, minRuns: Math.ceil(plan.minRuns / SETS), maxRuns: Math.ceil(plan.maxRuns / SETS), budgetMs: plan.budgetMs / SETS });
const CORE = new Set(['floor', 'chunkwise', 'chunkwise-baseline', 'chunkwise-assemble']);
const CORE_RUNS = 3;
const WORKER = join(BENCH, 'worker.mjs');

async function runBody(body, earlier) {
  const rows = contestantsFor(body).map((c) => ({ contestant: c.name, label: c.label, status: 'pending', times: [], rounds: [] }));
  for (const row of rows) {
    // Estimate a 200k run from the 10× smaller body: never better than linear.
    if (body.size !== '200k') continue;
    const t20 = earlier.get(`${body.family}-20k`)?.rows.find((r) => r.contestant === row.contestant)?.medianMs;
    const t2 = earlier.get(`${body.family}-2k`)?.rows.find((r) => r.contestant === row.contestant)?.medianMs;
    if (!t20) continue;
    const growth = t2 ? Math.max(10, t20 / t2) : 10;
    const estimate = t20 * growth;
    if (estimate > SKIP_ABOVE_MS) {
      Object.assign(row, { status: 'extrapolated', medianMs: estimate, runs: 0, note: `not run; one run estimated at ≈${(estimate / 1000).toFixed(0)} s = ${t20.toFixed(0)} ms at 20k × ${growth.toFixed(1)} (its 2k→20k growth, at least linear)` });
      log(`  ${body.name} ${row.contestant}: skipped, ≈${(estimate / 1000).toFixed(0)} s estimated`);
    } else if (!CORE.has(row.contestant) && estimate > SINGLE_RUN_ABOVE_MS) {
      // A peer at several seconds a run: one cold run is the measurement (it also gives the memory).
      row.single = true;
    }
  }
  for (let set = 0; set < SETS; set++) await runSet(body, rows, set);
  for (const row of rows) {
    delete row.single;
    if (row.status !== 'ok') continue;
    Object.assign(row, { medianMs: median(row.times), minMs: Math.min(...row.times), runs: row.times.length, times: row.times.map((t) => Number(t.toFixed(3))) });
  }
  return { body, rows: deriveRows(body, rows) };
}

/** One set: a process per contestant, taking turns (see SETS). Appends each row's timed runs. */
async function runSet(body, rows, set) {
  const plan = { ...perSet(PLANS[body.size]), clock };
  const workers = rows
    .filter((row) => row.status !== 'extrapolated' && row.status !== 'failed' && !(row.single && set > 0))
    .map((row) => ({ row, times: [], rounds: [], spent: 0, slow: false, done: false, child: startChild(WORKER, [JSON.stringify({ contestant: row.contestant, body, plan, turns: true })]) }));
  const failed = (w, message) => {
    w.done = true;
    Object.assign(w.row, { status: 'failed', error: message.error });
    log(`  ${body.name} ${w.row.contestant}: FAILED ${message.error}`);
  };
  const step = async (w, message) => {
    const reply = await w.child.ask(message);
    if (!reply.ok) failed(w, reply);
    return reply;
  };
  for (const w of workers) {
    const ready = await w.child.ready;
    if (!ready.ok) failed(w, ready);
  }
  // Cold requests (with their memory) and warm-ups one process at a time: the others wait idle.
  for (const w of workers) {
    if (w.done) continue;
    const cold = await step(w, { cmd: 'cold', memory: set === 0 });
    if (!cold.ok) continue;
    w.slow = cold.slow;
    if (set === 0) Object.assign(w.row, { status: 'ok', coldMs: cold.coldMs, memory: cold.memory });
    // A peer at several seconds a run: one cold run is the measurement (it also gives the memory).
    if (w.row.single) {
      w.times.push(cold.coldMs);
      w.rounds.push('cold');
      w.done = true;
    }
  }
  for (const w of workers) if (!w.done) await step(w, { cmd: 'warm' });
  // Then TURN_WARMUP untimed rounds in the turn order, for the contestants under slowMs a run (a
  // run of seconds is its own warm-up). The first rounds after everyone's warm-up ran slow for
  // short runs: on openai-tools-2k chunkwise took 39, 19 and 13.6 ms in round 0 of three sets and
  // 15–17 ms from round 2 on, sometimes still 31 ms in round 1; the floor's round 0 was hardly
  // slower. With a peer that makes only 2 runs a set, half its ratios came from round 0. A pause
  // before round 0 did not help, nor did the same idle time in a lone process, and --trace-deopt
  // and --trace-gc showed nothing in that round: it comes with the others' warm-ups (how, not found).
  for (let turn = 0; turn < TURN_WARMUP; turn++) {
    const warming = workers.filter((w) => !w.done && !w.slow);
    if (turn % 2 === 1) warming.reverse();
    for (const w of warming) await step(w, { cmd: 'run' });
  }
  // A slow contestant (first run over slowMs) does at most 3 runs a set.
  // The floor and chunkwise, whose ratio is the tightest target, get up to CORE_RUNS times the runs.
  const wants = (w) => {
    if (w.done) return false;
    const more = CORE.has(w.row.contestant) ? CORE_RUNS : 1;
    const minRuns = w.slow ? Math.min(3, plan.minRuns) : plan.minRuns;
    const maxRuns = w.slow ? Math.min(3, plan.maxRuns) : plan.maxRuns * more;
    return w.times.length < minRuns || (w.times.length < maxRuns && w.spent < plan.budgetMs * more);
  };
  // Round after round, one run each, in the contestants' order, mirrored every other round
  // (floor, chunkwise, …, AI SDK | AI SDK, …, chunkwise, floor | …): the floor and chunkwise always
  // run next to each other, and never straight after a peer's run (whose process may still be
  // collecting its garbage on the other core).
  const started = Date.now();
  for (let turn = 0; ; turn++) {
    const wanting = workers.filter(wants);
    if (wanting.length === 0) break;
    if (turn % 2 === 1) wanting.reverse();
    for (const w of wanting) {
      const reply = await step(w, { cmd: 'run' });
      if (!reply.ok) continue;
      w.times.push(reply.ms);
      w.rounds.push(`${set}.${turn}`);
      w.spent += reply.ms;
    }
  }
  for (const w of workers) {
    w.child.stop();
    if (w.row.status === 'failed') continue;
    w.row.status = 'ok';
    w.row.times.push(...w.times);
    w.row.rounds.push(...w.rounds);
  }
  const summary = workers.filter((w) => w.times.length > 0).map((w) => `${w.row.contestant} ${median(w.times).toFixed(2)} ms ×${w.times.length}`);
  log(`  ${body.name.padEnd(22)} set ${set + 1}/${SETS}: ${summary.join(', ')} (${((Date.now() - started) / 1000).toFixed(1)} s, load ${machine().loadAverage[0]})`);
}

/** The recordings are a few KB each: one process per contestant times all of them (no memory column). */
async function runRecordings(bodies) {
  const byBody = new Map(bodies.map((body) => [body.name, { body, rows: [] }]));
  const names = [...new Set(bodies.flatMap((b) => contestantsFor(b).map((c) => c.name)))];
  for (const name of names) {
    const mine = bodies.filter((b) => contestantsFor(b).some((c) => c.name === name));
    const started = Date.now();
    const message = await runChild(join(BENCH, 'worker.mjs'), [JSON.stringify({ contestant: name, bodies: mine, plan: { ...PLANS.recording, clock } })]);
    const label = contestantsFor(mine[0]).find((c) => c.name === name).label;
    for (const body of mine) {
      const r = message.ok ? message.results.find((x) => x.name === body.name) : { ok: false, error: message.error };
      byBody.get(body.name).rows.push(
        r.ok ? { contestant: name, label, status: 'ok', medianMs: median(r.times), minMs: Math.min(...r.times), runs: r.times.length } : { contestant: name, label, status: 'failed', error: r.error },
      );
    }
    log(`  recordings: ${name} on ${mine.length} bodies (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
  return [...byBody.values()].map(({ body, rows }) => ({ body, rows: deriveRows(body, rows) }));
}

async function incrementalJson() {
  try {
    const built = await buildBenchTs(BENCH);
    const bundle = built.find((f) => f.endsWith('incremental-json.mjs'));
    if (!bundle) return { ok: false, error: 'bench/incremental-json.ts not found' };
    log('incremental JSON benchmark (bench/incremental-json.ts)…');
    // One partial-json run per size instead of three: it is the quadratic baseline and takes
    // tens of seconds at 100 KB; everything else keeps the author's defaults.
    const options = { partialJsonRuns: 1, ...(args.has('clock') ? { clock: args.get('clock') } : {}) };
    return await runChild(join(BENCH, 'lib/incremental-json-driver.mjs'), [bundle, JSON.stringify(options)], { timeoutMs: 300_000 });
  } catch (error) {
    return { ok: false, error: String(error.message ?? error) };
  }
}

async function main() {
  snapshotDist(ROOT, BENCH);
  if (args.has('baseline')) prepareBaseline(ROOT, BENCH, args.get('baseline'), log);
  mkdirSync(join(BENCH, 'results'), { recursive: true });
  const began = Date.now();
  const info = machine();
  log(`chunkwise bench on ${info.cpu}, ${info.nproc} cores, Node ${info.node}, load average ${info.loadAverage.join(' ')}`);

  log('generating bodies (cached in bench/data)…');
  const generated = [];
  for (const family of families) for (const size of sizes) generated.push(ensureBody(family, size));
  for (const body of generated) {
    const truth = await import(join(DATA_DIR, `${body.name}.truth.json`), { with: { type: 'json' } });
    body.toolArgsBytes = truth.default.toolArgs.reduce((n, a) => n + Buffer.byteLength(a), 0);
  }

  const stages = {};
  const stage = (name, since) => (stages[name] = Math.round((Date.now() - since) / 1000));
  let since = Date.now();
  const results = new Map();
  for (const body of generated) results.set(body.name, await runBody(body, results));
  stage('generated bodies', since);
  since = Date.now();

  const recordings = args.has('no-recordings') ? { bodies: [], skipped: [] } : recordingBodies(join(ROOT, 'recordings'), DATA_DIR);
  const recordingResults = await runRecordings(recordings.bodies);
  stage('recordings', since);

  const targets = evaluateTargets(results);
  since = Date.now();
  const incremental = quick || args.has('no-incremental') ? undefined : await incrementalJson();
  stage('incremental JSON', since);
  since = Date.now();
  let load;
  if (!quick && !args.has('no-load')) {
    log('load run: 1,000 concurrent streams over loopback HTTP…');
    load = await runChild(join(BENCH, 'load.mjs'), [], { timeoutMs: 300_000 });
  }
  stage('load run', since);
  since = Date.now();
  if (load?.ok) targets.push(...load.targets);
  let slots;
  if (!args.has('no-slots')) {
    log('many slots: 100k tool calls and 100k choices in both index orders (bench/slots.mjs)…');
    slots = await runChild(join(BENCH, 'slots.mjs'), [], { timeoutMs: 300_000 });
    if (slots.ok) targets.push(...slots.targets);
    else targets.push({ target: '100k tool calls / choices in any index order', body: 'slots', pass: false, note: slots.error });
  }
  stage('many slots', since);
  let redis;
  if (!args.has('no-redis')) {
    log('chunkwise/redis against in-process sharing…');
    redis = await runChild(join(BENCH, 'redis.mjs'), [], { timeoutMs: 300_000 });
  }
  stage('redis', since);
  since = Date.now();

  // Profile chunkwise where it misses a target against the floor (or always with --profile).
  const profiles = [];
  if (!args.has('no-profile')) {
    const missed = new Set(targets.filter((t) => !t.pass && /floor|openai-node|AI SDK|linear/.test(t.target)).map((t) => t.body.replace(/-(2k|20k|200k)$/, '')));
    const wanted = args.has('profile') ? new Set(families) : missed;
    if (wanted.size > 0) {
      for (const f of readdirSync(join(BENCH, 'results'), { withFileTypes: true })) {
        if (f.isFile() && /^CPU\..*\.cpuprofile$/.test(f.name)) rmSync(join(BENCH, 'results', f.name)); // the last run's
      }
    }
    for (const family of wanted) {
      const body = results.get(`${family}-20k`)?.body ?? results.get(`${family}-2k`)?.body;
      if (!body) continue;
      log(`profiling chunkwise on ${body.name}…`);
      profiles.push(await profileContestant(body, 'chunkwise'));
    }
  }

  // Where chunkwise's time goes, layer by layer, on the 20k bodies where it misses the floor target.
  const breakdowns = [];
  if (!args.has('no-profile')) {
    const missed = new Set(targets.filter((t) => !t.pass && /floor/.test(t.target)).map((t) => t.body.replace(/-(2k|20k|200k)$/, '')));
    for (const family of args.has('profile') ? families : missed) {
      const body = results.get(`${family}-20k`)?.body;
      if (!body) continue;
      log(`breakdown of chunkwise on ${body.name}…`);
      breakdowns.push(await runChild(join(BENCH, 'breakdown.mjs'), [body.name, '15'], { timeoutMs: 600_000 }));
    }
  }

  stage('profiles and breakdowns', since);
  const out = { date: new Date().toISOString(), machine: { ...info, loadAverageAtEnd: machine().loadAverage }, command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`, clock, sets: SETS, durationS: Math.round((Date.now() - began) / 1000), stages, bodies: [...results.values()], recordings: recordingResults, recordingsSkipped: recordings.skipped, targets, incrementalJson: incremental, load, slots, redis, breakdowns, profiles };
  const md = renderResults(out);
  writeFileSync(join(BENCH, 'results/latest.json'), `${JSON.stringify(out, null, 1)}\n`);
  writeFileSync(join(BENCH, 'results/latest.md'), md);
  if (args.has('readme')) writeBenchDocs(out);
  console.log(md);
  log(`done in ${out.durationS} s; wrote bench/results/latest.json and latest.md`);
}


main().catch((error) => {
  console.error(error);
  process.exit(1);
});
