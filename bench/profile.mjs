// CPU profile of one contestant on one body: runs the worker under `node --cpu-prof`, then
// ranks functions by self time, mapped back through dist/*.js.map to src/ file:line.
//
//   node bench/profile.mjs openai-logprobs-20k [chunkwise|chunkwise-assemble|floor|...]
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runChild } from './lib/fork.mjs';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = join(BENCH, '..');
const RESULTS = join(BENCH, 'results');

const maps = new Map();
function sourceMapOf(path) {
  if (!maps.has(path)) {
    let map;
    try {
      if (existsSync(`${path}.map`)) map = new SourceMap(JSON.parse(readFileSync(`${path}.map`, 'utf8')));
    } catch {}
    maps.set(path, map);
  }
  return maps.get(path);
}

/** `src/file.ts:line` for a frame in dist/ (through its source map), else a short location. */
function locate(frame) {
  const { url, lineNumber, columnNumber } = frame;
  if (!url) return '';
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  const map = path.startsWith('/') ? sourceMapOf(path) : undefined;
  if (map) {
    const entry = map.findEntry(lineNumber, columnNumber);
    if (entry?.originalSource) {
      // The snapshot in bench/.build/dist keeps dist/'s maps, whose sources are relative to dist/.
      const base = path.startsWith(join(BENCH, '.build', 'dist')) ? join(ROOT, 'dist') : dirname(path);
      const source = entry.originalSource.startsWith('file://') ? fileURLToPath(entry.originalSource) : join(base, entry.originalSource);
      return `${relative(ROOT, source)}:${entry.originalLine + 1}`;
    }
  }
  return path.startsWith('/') ? `${relative(ROOT, path)}:${lineNumber + 1}` : `${path}:${lineNumber + 1}`;
}

/** Harness work that is not the contestant's: copying pieces, verifying, loading modules. */
const HARNESS_FUNCTIONS = new Set(['freshPieces', 'mismatch', 'firstDifference', 'loadBody', 'cutPoints', 'prepare', 'referenceTruth']);
const isHarness = (frame) => HARNESS_FUNCTIONS.has(frame.functionName) || /^node:internal\/(modules|bootstrap)\//.test(frame.url);

/**
 * Self time by function and by file, in % of the non-idle samples that are not harness work
 * (a sample is harness work when any frame on its stack is).
 */
export function summarizeProfile(profile, top = 20) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const harness = new Map();
  const inHarness = (id) => {
    if (id === undefined) return false;
    if (!harness.has(id)) harness.set(id, isHarness(byId.get(id).callFrame) || inHarness(parent.get(id)));
    return harness.get(id);
  };
  const self = new Map();
  let total = 0;
  let excluded = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]);
    const dt = profile.timeDeltas[i] ?? 0;
    if (node.callFrame.functionName === '(idle)') continue;
    if (inHarness(node.id)) {
      excluded += dt;
      continue;
    }
    total += dt;
    self.set(node, (self.get(node) ?? 0) + dt);
  }
  const fns = new Map();
  const files = new Map();
  for (const [node, t] of self) {
    const where = locate(node.callFrame);
    const name = node.callFrame.functionName || '(anonymous)';
    const key = `${name} ${where}`;
    fns.set(key, { fn: name, where, us: (fns.get(key)?.us ?? 0) + t });
    const file = where ? where.replace(/:\d+$/, '') : name;
    files.set(file, (files.get(file) ?? 0) + t);
  }
  const pct = (t) => Number(((100 * t) / total).toFixed(1));
  return {
    totalMs: total / 1000,
    harnessMs: excluded / 1000,
    functions: [...fns.values()].sort((a, b) => b.us - a.us).slice(0, top).map((f) => ({ fn: f.fn, where: f.where, selfPct: pct(f.us) })),
    files: [...files].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([file, t]) => ({ file, selfPct: pct(t) })),
  };
}

/** Profiles `contestant` on `body` (a body description from generate.mjs / recordings). */
export async function profileContestant(body, contestant = 'chunkwise') {
  mkdirSync(RESULTS, { recursive: true });
  const before = new Set(readdirSync(RESULTS));
  const task = { contestant, body, plan: { warmup: 2, minRuns: 5, maxRuns: 1e6, budgetMs: 4000, noGc: true } };
  const message = await runChild(join(BENCH, 'worker.mjs'), [JSON.stringify(task)], {
    execArgv: ['--expose-gc', '--cpu-prof', `--cpu-prof-dir=${RESULTS}`, '--cpu-prof-interval=200'],
  });
  const file = readdirSync(RESULTS)
    .filter((f) => f.endsWith('.cpuprofile') && !before.has(f))
    .map((f) => join(RESULTS, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  if (!message.ok || !file) return { ok: false, error: message.error ?? 'no profile written' };
  return { ok: true, body: body.name, contestant, profile: relative(ROOT, file), ...summarizeProfile(JSON.parse(readFileSync(file, 'utf8'))) };
}

export function profileTable(p) {
  const lines = [`Profile of ${p.contestant} on ${p.body} (${p.profile}): self time in % of ${p.totalMs.toFixed(0)} ms sampled over warm-up and ~4 s of runs (${p.harnessMs.toFixed(0)} ms of harness work left out: piece copies, verification, module loading). JSON.parse shows as the function that calls it.`, '', '| self % | function | where |', '|--:|---|---|'];
  for (const f of p.functions) lines.push(`| ${f.selfPct} | ${f.fn} | ${f.where} |`);
  lines.push('', '| self % | file |', '|--:|---|');
  for (const f of p.files) lines.push(`| ${f.selfPct} | ${f.file} |`);
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [name, contestant = 'chunkwise'] = process.argv.slice(2);
  const { ensureBodies } = await import('./generate.mjs');
  const { recordingBodies } = await import('./lib/recordings.mjs');
  const body =
    ensureBodies().find((b) => b.name === name) ?? recordingBodies(join(ROOT, 'recordings'), join(BENCH, 'data')).bodies.find((b) => b.name === name);
  if (!body) throw new Error(`No body named ${name}`);
  const p = await profileContestant(body, contestant);
  console.log(p.ok ? profileTable(p) : `profile failed: ${p.error}`);
}
