import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

/*
 * The adversarial suite (issue 19): every row of cases.mjs runs in a child process of its own
 * against the built package, with a heap bound (--max-old-space-size) and a time bound (killed
 * after it). A crash, an out-of-memory abort, an uncaught exception, an unhandled rejection or a
 * hang is the failure: the child then exits without its verdict line, or with a non-zero code.
 * Otherwise the verdict must match the row (a result's facts, or a typed ChunkwiseError's class
 * and code), and no shared prototype may have gained a key. Two children at a time.
 */

const RUNNER = fileURLToPath(new URL('./run-case.mjs', import.meta.url));
const DIST = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
const CONCURRENCY = 2;
const DEFAULT_HEAP_MB = 128;
const DEFAULT_TIMEOUT_MS = 10_000;

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

function runCase(row: Row): Promise<Verdict> {
  const timeoutMs = row.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [`--max-old-space-size=${row.heapMb ?? DEFAULT_HEAP_MB}`, RUNNER, row.name], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let killed = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-2000)));
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.trim().split('\n').at(-1) ?? '';
      if (killed) return resolve({ died: `no outcome within ${timeoutMs} ms (killed)` });
      if (code !== 0 || !line.startsWith('{')) return resolve({ died: `exit ${code ?? signal}; stderr: ${stderr.trim().slice(-600)}` });
      resolve(JSON.parse(line) as Verdict);
    });
  });
}

/** Runs the rows CONCURRENCY at a time, in table order, so the tests (in the same order) rarely wait long. */
function runAll(rows: Row[]): Map<string, Promise<Verdict>> {
  const verdicts = new Map<string, Promise<Verdict>>();
  const starts: Array<() => void> = [];
  let running = 0;
  const next = () => {
    while (running < CONCURRENCY && starts.length > 0) {
      running++;
      starts.shift()!();
    }
  };
  for (const row of rows) {
    verdicts.set(
      row.name,
      new Promise<Verdict>((resolve) => {
        starts.push(() =>
          runCase(row).then((verdict) => {
            running--;
            resolve(verdict);
            next();
          }),
        );
      }),
    );
  }
  next();
  return verdicts;
}

const verdicts = runAll(ROWS);
const longest = Math.max(...ROWS.map((r) => r.timeoutMs ?? DEFAULT_TIMEOUT_MS));

describe('adversarial bodies, each in a child process: a correct object or a typed error, within the time and heap bounds', () => {
  test.each(ROWS)('$name', async (row) => {
    const verdict = await verdicts.get(row.name)!;
    expect(verdict.died, 'the child died instead of settling').toBeUndefined();
    expect(verdict.polluted, 'a shared prototype gained keys').toEqual([]);
    if (verdict.outcome !== 'ok') expect(verdict.chunkwise, `not a ChunkwiseError: ${verdict.outcome}: ${verdict.message}`).toBe(true);
    expect(verdict, verdict.message).toMatchObject(row.expect);
    // Data, never the connection, is at fault: no error of these bodies may read as a network failure.
    expect(verdict.code).not.toBe('network');
  }, longest * 3 + 30_000);
});
