// `npm start`: the CLI demo. It says what it is doing at once, builds dist/ only when a source
// file is newer than the build (a fresh clone, or after an edit), then runs the demo.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const BUILT = ['dist/cli.js', 'dist/index.js', 'dist/node.js', 'dist/testing.js'];
const INPUTS = ['src', 'tsup.config.ts', 'package.json', 'tsconfig.json'];

function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

function stale() {
  const built = BUILT.map((file) => join(root, file));
  if (!built.every(existsSync)) return 'no build yet';
  const oldestBuild = Math.min(...built.map((file) => statSync(file).mtimeMs));
  return INPUTS.some((input) => existsSync(join(root, input)) && newest(join(root, input)) > oldestBuild) ? 'sources changed' : undefined;
}

const why = stale();
if (why) {
  process.stderr.write(`chunkwise demo: building dist/ first (${why}; takes a few seconds)…\n`);
  const tsup = spawnSync(join(root, 'node_modules/.bin/tsup'), ['--silent'], { cwd: root, stdio: 'inherit' });
  if (tsup.status !== 0) process.exit(tsup.status ?? 1);
}
await import(pathToFileURL(join(root, 'bin/chunkwise.js')).href);
