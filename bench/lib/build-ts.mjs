// Bench files written in TypeScript (bench/*.ts) are bundled with esbuild (a tsup
// dependency) into bench/.build/*.mjs (git-ignored), since Node 20 cannot run .ts itself.
// Packages stay external and resolve from node_modules; src/ is bundled from source.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export async function buildBenchTs(benchDir) {
  const { build } = await import('esbuild');
  const entryPoints = readdirSync(benchDir).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')).map((f) => join(benchDir, f));
  if (entryPoints.length === 0) return [];
  await build({
    entryPoints,
    outdir: join(benchDir, '.build'),
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  return entryPoints.map((f) => join(benchDir, '.build', f.split('/').pop().replace(/\.ts$/, '.mjs')));
}
