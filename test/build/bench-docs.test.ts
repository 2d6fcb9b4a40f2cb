// The benchmark's write-ups are rendered by bench/lib/readme.mjs into marked regions of
// README.md (one short table) and bench/README.md (everything). This checks the generator
// against the committed results file: both regions exist, the README table holds one row a
// family of that run, and a run of some bodies only is refused unless asked for (so that a
// quick local run cannot replace a full run's figures by accident).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '../..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

interface BenchModule {
  isPartial(out: unknown): boolean;
  renderReadmeSummary(out: unknown): string;
  renderBenchResults(out: unknown): string;
  replaceRegion(text: string, name: string, content: string, file: string): string;
}

describe('bench/lib/readme.mjs', async () => {
  const bench = (await import(join(ROOT, 'bench/lib/readme.mjs'))) as BenchModule;
  const latest = JSON.parse(read('bench/results/latest.json')) as { command: string; bodies: Array<{ body: { name: string; family?: string } }> };

  it('README.md and bench/README.md each have their region, and replacing it keeps the text around it', () => {
    for (const [file, name] of [['README.md', 'bench-summary'], ['bench/README.md', 'bench-results']] as const) {
      const text = read(file);
      const replaced = bench.replaceRegion(text, name, 'NEW', file);
      expect(replaced).toContain(`\nNEW\n\n<!-- ${name}:end -->`);
      expect(replaced.slice(0, replaced.indexOf(`<!-- ${name}:begin`))).toBe(text.slice(0, text.indexOf(`<!-- ${name}:begin`)));
      expect(replaced.slice(replaced.indexOf(`<!-- ${name}:end -->`))).toBe(text.slice(text.indexOf(`<!-- ${name}:end -->`)));
    }
  });

  it('the README table has one row a family of the run, the command that made it and the link to bench/README.md', () => {
    const summary = bench.renderReadmeSummary(latest);
    const families = new Set(latest.bodies.map(({ body }) => body.family ?? body.name.replace(/-(?:2k|20k|200k)$/, '')));
    const rows = summary.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| body'));
    expect(rows).toHaveLength(families.size);
    expect(summary).toContain(latest.command);
    expect(summary).toContain('(bench/README.md)');
  });

  it('the full results name every body of the run', () => {
    const full = bench.renderBenchResults(latest);
    for (const { body } of latest.bodies) expect(full).toContain(`| ${body.name} |`);
  });

  it('refuses to render a partial run into the docs unless --partial is given, and leaves them as they were', () => {
    const dir = mkdtempSync(join(tmpdir(), 'chunkwise-bench-docs-'));
    const from = join(dir, 'quick.json');
    writeFileSync(from, JSON.stringify({ ...latest, command: 'npm run bench -- --quick --only=openai-text' }));
    const before = [read('README.md'), read('bench/README.md')];
    const run = spawnSync(process.execPath, [join(ROOT, 'bench/lib/readme.mjs'), `--from=${from}`], { encoding: 'utf8' });
    rmSync(dir, { recursive: true, force: true });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--partial');
    expect([read('README.md'), read('bench/README.md')]).toEqual(before);
    expect(bench.isPartial({ command: 'npm run bench -- --readme' })).toBe(false);
  });
});
