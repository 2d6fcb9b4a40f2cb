import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

/*
 * The adversarial suite (issue 19): every row of cases.mjs runs in a child process against the
 * built package, with a heap bound (--max-old-space-size) and a time bound (killed after it).
 * A crash, an out-of-memory abort, an uncaught exception, an unhandled rejection or a hang is
 * the failure: the child then exits without the row's verdict line, or with a non-zero code.
 * Otherwise the verdict must match the row (a result's facts, or a typed ChunkwiseError's class
 * and code), and no shared prototype may have gained a key. Two children at a time.
 */

const RUNNER = fileURLToPath(new URL('./run-case.mjs', import.meta.url));
const DIST = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
const CONCURRENCY = 2;
const DEFAULT_HEAP_MB = 128;
const DEFAULT_TIMEOUT_MS = 10_000;
const BATCH = 12;

interface Row {
  name: string;
  expect: Record<string, unknown>;
  heapMb?: number;
  timeoutMs?: number;
}

interface Verdict {
  outcome?: string;
  code?: string;
  chunkwise?: boolean;
  message?: string;
  facts?: Record<string, unknown>;
  polluted?: string[];
  ms?: number;
  /** Set when the child ended without a verdict: how it ended, and the end of its stderr. */
  died?: string;
}

if (!existsSync(DIST)) throw new Error('test/adversarial runs against dist/: build it first (npx tsup, or npm test)');
const listing = spawnSync(process.execPath, [RUNNER, '--list'], { encoding: 'utf8' });
if (listing.status !== 0) throw new Error(`run-case.mjs --list failed: ${listing.stderr}`);
const ROWS: Row[] = JSON.parse(listing.stdout);

/**
 * Runs `rows` one after another in one child, each within its time bound (counted from the
 * previous verdict). A row the child died in gets `died`; the rows after it run again in a
 * child of their own, so one crash is pinned on one row.
 */
function runChild(rows: Row[]): Promise<Map<string, Verdict>> {
  const heapMb = Math.max(...rows.map((r) => r.heapMb ?? DEFAULT_HEAP_MB));
  return new Promise((resolve) => {
    const verdicts = new Map<string, Verdict>();
    const child = spawn(process.execPath, [`--max-old-space-size=${heapMb}`, RUNNER, ...rows.map((r) => r.name)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let pending = '';
    let stderr = '';
    let killedAfter: number | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = () => {
      clearTimeout(timer);
      const row = rows[verdicts.size];
      if (row === undefined) return;
      const ms = row.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      timer = setTimeout(() => {
        killedAfter = ms;
        child.kill('SIGKILL');
      }, ms);
    };
    arm();
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      const lines = (pending + d).split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        if (!line.startsWith('{')) continue;
        const { name, ...verdict } = JSON.parse(line) as Verdict & { name: string };
        verdicts.set(name, verdict);
        arm();
      }
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-2000)));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const dead = rows[verdicts.size];
      if (dead === undefined && code === 0) return resolve(verdicts);
      const how = killedAfter !== undefined ? `no outcome within ${killedAfter} ms (killed)` : `exit ${code ?? signal}; stderr: ${stderr.trim().slice(-600)}`;
      // Exited non-zero after every verdict: something the last case left behind failed late.
      verdicts.set((dead ?? rows.at(-1)!).name, { died: how });
      const rest = dead === undefined ? [] : rows.slice(rows.indexOf(dead) + 1);
      if (rest.length === 0) return resolve(verdicts);
      runChild(rest).then((more) => resolve(new Map([...verdicts, ...more])));
    });
  });
}

/**
 * Children for the rows: a row with bounds of its own (a big body, many events) alone, the
 * others BATCH to a child (a child's start costs more than most cases). Run CONCURRENCY at a
 * time, in table order, so the tests (in the same order) rarely wait long.
 */
function runAll(rows: Row[]): Map<string, Promise<Verdict>> {
  const groups: Row[][] = [];
  let batch: Row[] = [];
  for (const row of rows) {
    if (row.heapMb !== undefined || row.timeoutMs !== undefined) groups.push([row]);
    else if (batch.push(row) === BATCH) {
      groups.push(batch);
      batch = [];
    }
  }
  if (batch.length > 0) groups.push(batch);
  const verdicts = new Map<string, Promise<Verdict>>();
  const starts: Array<() => void> = [];
  let running = 0;
  const next = () => {
    while (running < CONCURRENCY && starts.length > 0) {
      running++;
      starts.shift()!();
    }
  };
  for (const group of groups) {
    const settled = new Promise<Map<string, Verdict>>((resolve) => {
      starts.push(() =>
        runChild(group).then((found) => {
          running--;
          resolve(found);
          next();
        }),
      );
    });
    for (const row of group) verdicts.set(row.name, settled.then((found) => found.get(row.name) ?? { died: 'no verdict' }));
  }
  next();
  return verdicts;
}

const verdicts = runAll(ROWS);
// A test may wait for the children ahead of its own: the whole suite's bound.
const longest = ROWS.reduce((sum, r) => sum + (r.timeoutMs ?? DEFAULT_TIMEOUT_MS), 0) / CONCURRENCY;

describe('adversarial bodies, each in a child process: a correct object or a typed error, within the time and heap bounds', () => {
  test.each(ROWS)('$name', async (row) => {
    const verdict = await verdicts.get(row.name)!;
    expect(verdict.died, 'the child died instead of settling').toBeUndefined();
    expect(verdict.polluted, 'a shared prototype gained keys').toEqual([]);
    if (verdict.outcome !== 'ok') expect(verdict.chunkwise, `not a ChunkwiseError: ${verdict.outcome}: ${verdict.message}`).toBe(true);
    expect(verdict, verdict.message).toMatchObject(row.expect);
    // Data, never the connection, is at fault: no error of these bodies may read as a network failure.
    expect(verdict.code).not.toBe('network');
  }, longest);
});
