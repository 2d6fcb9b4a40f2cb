// The package as npm would publish it: what `npm pack` ships, and the two linters that check a
// package's exports, types and fields the way bundlers and TypeScript resolve them. `npm test`
// builds dist/ first.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '../..');
const BIN = join(ROOT, 'node_modules/.bin');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

function run(command: string, args: string[]): string {
  return execFileSync(command, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
}

describe('the published package', () => {
  it('names its license, repository, engines and side effects', () => {
    expect(pkg.license).toBe('MIT');
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
    expect(pkg.repository?.url).toMatch(/github\.com/);
    expect(pkg.engines?.node).toBe('>=20');
    expect(pkg.sideEffects).toBe(false);
    // moduleResolution "node" ignores "exports": typesVersions sends each subpath to its types.
    expect(pkg.typesVersions['*'].node).toEqual([pkg.exports['./node'].import.types]);
    expect(pkg.typesVersions['*'].testing).toEqual([pkg.exports['./testing'].node.import.types]);
  });

  it('ships dist, the CLI, the recordings, README, LICENSE and CHANGELOG, and nothing from test/', () => {
    const [packed] = JSON.parse(run('npm', ['pack', '--dry-run', '--json', '--silent']));
    const files: string[] = packed.files.map((f: { path: string }) => f.path);
    for (const needed of ['README.md', 'LICENSE', 'CHANGELOG.md', 'package.json', 'bin/chunkwise.js', 'dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.d.cts']) {
      expect(files).toContain(needed);
    }
    const allowed = /^(dist\/|bin\/|recordings\/|README\.md$|LICENSE$|CHANGELOG\.md$|package\.json$)/;
    expect(files.filter((f) => !allowed.test(f))).toEqual([]);
    expect(files.filter((f) => f.startsWith('test/') || f.includes('.test.'))).toEqual([]);
  });

  it('passes publint', () => {
    expect(run(join(BIN, 'publint'), ['--strict'])).toMatch(/All good/);
  });

  it('passes @arethetypeswrong/cli on the packed tarball (node10, node16 CJS and ESM, bundler)', () => {
    // Exits non-zero on any problem; the table is in the error's stdout then.
    const out = run(join(BIN, 'attw'), ['--pack', '.', '--format', 'ascii']);
    expect(out).toMatch(/No problems found/);
  }, 120_000);
});
