// One contestant on one body, in a process of its own (so that peak RSS is that
// contestant's): one cold request measured for memory, warm-up runs, then timed runs.
// Every run is verified against the body's truth outside the clock. Reports via IPC.
// With `bodies` instead of `body` (the small recordings), times each in turn, no memory.
//
// Started by run.mjs as: node --expose-gc bench/worker.mjs '<json task>'
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { findContestant } from './contestants.mjs';
import { cutPoints, freshPieces, loadBody, streamOf } from './lib/pieces.mjs';
import { mismatch } from './lib/reference.mjs';

const task = JSON.parse(process.argv[2]);
const report = (message) =>
  new Promise((resolve) => (process.send ? process.send(message, resolve) : resolve(console.log(JSON.stringify(message)))));
// Profiling runs pass noGc so that forced collections do not show up as hot spots.
const gc = (!task.plan.noGc && globalThis.gc) || (() => {});
const loaded = new Map();
// Wall clock by default; `clock: 'cpu'` times process CPU (user + system, all threads), which a
// busy shared machine disturbs less.
const now =
  task.plan.clock === 'cpu'
    ? () => {
        const u = process.cpuUsage();
        return (u.user + u.system) / 1000;
      }
    : () => performance.now();

/** Everything a run needs, prepared outside the clock. */
async function prepare(body) {
  const bytes = loadBody(body.file);
  const truth = JSON.parse(readFileSync(body.truthFile, 'utf8'));
  Object.assign(body, { toolNames: truth.toolNames, logprobTokens: truth.logprobTokens, kind: truth.kind ?? 'chat' });
  const contestant = findContestant(task.contestant, body);
  if (!loaded.has(contestant)) loaded.set(contestant, await contestant.load());
  const run = loaded.get(contestant);
  const cuts = cutPoints(bytes.byteLength, body.name);
  const stream = () => streamOf(freshPieces(bytes, cuts));
  const verify = (result) => {
    const problem = mismatch(result, truth);
    if (problem) throw new Error(`wrong result: ${problem}`);
  };
  return { run, stream, verify };
}

/** One body's runs in this process: the cold request (with its memory), warm-up, timed runs. */
async function bodyRunner(body, plan) {
  const { run, stream, verify } = await prepare(body);
  // No forced GC between timed runs: a full collection just before a run made that run up to
  // 2× slower for every contestant (V8 shrinks the young generation after it), and a server
  // never collects between requests. Each run's garbage is collected during the next one, the
  // steady state of a process that serves stream after stream.
  const once = async () => {
    const input = stream();
    const start = now();
    const result = await run(input, body);
    const ms = now() - start;
    verify(result);
    return ms;
  };
  let slow = false;

  /** One cold request: its peak RSS above the resting process (the process's first request). */
  const cold = async (measureMemory) => {
    let input = stream();
    gc();
    gc();
    const restingRss = process.memoryUsage().rss;
    const peakBefore = process.resourceUsage().maxRSS * 1024;
    const start = now();
    // The result goes into `held` by callback, not through an awaited value: a suspended async
    // frame can keep the last awaited promise (and so the result) alive, which would hide it
    // from the retained-memory measurement below.
    const held = {};
    await new Promise((resolve, reject) => run(input, body).then((r) => resolve(void (held.result = r)), reject));
    const coldMs = now() - start;
    const peakAfter = process.resourceUsage().maxRSS * 1024;
    verify(held.result);
    input = undefined; // the spent stream can reach a contestant's closures, and so its result
    slow = coldMs > (plan.slowMs ?? Infinity);
    if (!measureMemory) return { coldMs, slow };
    // What the request leaves behind: live heap with the result held, minus without it.
    const live = () => {
      gc();
      gc();
      const m = process.memoryUsage();
      return m.heapUsed + m.external;
    };
    const holding = live();
    held.result = undefined;
    const retainedMB = Math.max(0, (holding - live()) / 1e6); // below 0 is GC noise
    const memory = {
      peakRssMB: peakAfter / 1e6,
      requestMB: (peakAfter - restingRss) / 1e6,
      retainedMB,
      // When the request never rose above an earlier peak, requestMB is an upper bound.
      bounded: peakAfter === peakBefore && peakBefore > restingRss,
    };
    return { coldMs, slow, memory };
  };

  /**
   * Warm-up: `warmup` runs and at least `warmupMs` (the JIT needs some thousands of chunks through
   * the hot path before its code is final; a library with more code needs more of them). A run of
   * seconds is its own warm-up: then none.
   */
  const warm = async () => {
    const warmup = slow ? 0 : plan.warmup;
    const warmupMs = slow ? 0 : (plan.warmupMs ?? 0);
    const warmStart = performance.now();
    for (let i = 0; i < warmup || (performance.now() - warmStart < warmupMs && i < 100); i++) await once();
  };

  return { cold, warm, once, get slow() { return slow; } };
}

/** The whole plan in one go: cold request, warm-up, then timed runs until the budget is spent (at least minRuns, at most maxRuns; at most 3 when slow). */
async function timeBody(body, plan, measureMemory) {
  const runner = await bodyRunner(body, plan);
  const { coldMs, memory } = await runner.cold(measureMemory);
  await runner.warm();
  const minRuns = runner.slow ? Math.min(3, plan.minRuns) : plan.minRuns;
  const times = [];
  const began = performance.now();
  while (times.length < minRuns || (times.length < plan.maxRuns && performance.now() - began < plan.budgetMs)) {
    times.push(await runner.once());
  }
  return { ok: true, times, coldMs, memory };
}

/**
 * Turn-taking (`task.turns`): the process stays up and does what the parent asks, one step at a
 * time (`cold`, `warm`, `run`, `exit`), so that the parent can interleave the runs of several
 * contestants' processes on the same body run by run. A disturbance of the machine (this shared
 * machine slows down by up to 2× for seconds at a time) then hits all contestants alike, and each
 * still has its own process, heap and peak RSS.
 */
async function takeTurns() {
  let runner;
  try {
    runner = await bodyRunner(task.body, task.plan);
  } catch (error) {
    await report({ ok: false, error: shortError(error) });
    process.exit(1);
  }
  process.on('message', async (m) => {
    try {
      if (m.cmd === 'cold') await report({ ok: true, ...(await runner.cold(m.memory !== false)) });
      else if (m.cmd === 'warm') await report({ ok: true, ...(await runner.warm()) });
      else if (m.cmd === 'run') {
        // Another process ran since this one's last run and took the CPU's caches: one untimed run
        // first, so that the timed one starts as in a process serving request after request.
        if (!runner.slow) await runner.once();
        await report({ ok: true, ms: await runner.once() });
      } else if (m.cmd === 'exit') process.exit(0);
    } catch (error) {
      await report({ ok: false, error: shortError(error) });
      process.exit(1);
    }
  });
  await report({ ok: true, ready: true });
}

const shortError = (error) => String(error?.message ?? error).split('\n')[0].slice(0, 300);

async function main() {
  if (task.turns) return takeTurns();
  if (task.body) return report(await timeBody(task.body, task.plan, true));
  const results = [];
  for (const body of task.bodies) {
    try {
      results.push({ name: body.name, ...(await timeBody(body, task.plan, false)) });
    } catch (error) {
      results.push({ name: body.name, ok: false, error: shortError(error) });
    }
  }
  return report({ ok: true, results });
}

main().then(
  () => task.turns || process.exit(0),
  async (error) => {
    await report({ ok: false, error: shortError(error) });
    process.exit(1);
  },
);
