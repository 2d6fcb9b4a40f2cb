// The built library the contestants import. `npm run build` (tsup, clean: true) empties dist/
// while it runs, and others rebuild while a long bench runs: so the bench copies dist/*.js
// once into bench/.build/dist/ and every child imports that copy (CHUNKWISE_DIST).
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export function snapshotDist(root, benchDir) {
  const from = join(root, 'dist');
  if (!existsSync(join(from, 'index.js'))) throw new Error('dist/index.js is missing: run `npm run build` first (npm run bench does).');
  const to = join(benchDir, '.build', 'dist');
  rmSync(to, { recursive: true, force: true });
  mkdirSync(to, { recursive: true });
  for (const file of readdirSync(from)) if (/\.js(\.map)?$/.test(file)) cpSync(join(from, file), join(to, file));
  if (!existsSync(join(to, 'index.js'))) throw new Error('dist/ changed while it was being copied: try again');
  process.env.CHUNKWISE_DIST = to;
  return to;
}

/** The directory to import chunkwise from: the snapshot when run.mjs made one, else dist/. */
export function chunkwiseDist(root) {
  return process.env.CHUNKWISE_DIST ?? join(root, 'dist');
}
