import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { UsageError } from '../../errors.js';
import { RECORDING_BODY_TYPES } from '../recording-files.js';

const EXTENSIONS = Object.keys(RECORDING_BODY_TYPES);

/**
 * The body file a `<recording>` argument means: the path itself, the path plus `.sse` /
 * `.ndjson` / `.jsonl`, or the name of a recording bundled with the package (`openai-text`).
 *
 * @throws UsageError naming what was tried.
 */
export function locateRecording(argument: string): string {
  const candidates = [argument, ...EXTENSIONS.map((ext) => argument + ext)];
  const bundled = bundledRecordingsDir();
  if (bundled && !/[\\/]/.test(argument)) candidates.push(...EXTENSIONS.map((ext) => join(bundled, argument + ext)));
  for (const candidate of candidates) if (kindOf(candidate) === 'file') return candidate;
  const where = bundled ? `, nor a recording bundled in ${bundled}` : '';
  throw new UsageError(`no recording "${argument}": not a file, nor NAME.sse / NAME.ndjson / NAME.jsonl${where}`);
}

/** The package's own `recordings/` folder (found from the running file, in `dist/` or `src/`), if there is one. */
export function bundledRecordingsDir(): string | undefined {
  const root = packageRoot();
  return root && kindOf(join(root, 'recordings')) === 'dir' ? join(root, 'recordings') : undefined;
}

/** The folder holding chunkwise's package.json, walking up from this module. */
export function packageRoot(): string | undefined {
  let dir = dirname(fileURLToPath(moduleUrl()));
  for (let i = 0; i < 5; i++) {
    const manifest = join(dir, 'package.json');
    if (kindOf(manifest) === 'file' && /"name"\s*:\s*"chunkwise"/.test(readFileSync(manifest, 'utf8'))) return dir;
    const parent = resolve(dir, '..');
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}

/** chunkwise's version, from its package.json. */
export function packageVersion(): string {
  const root = packageRoot();
  if (!root) return 'unknown';
  return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
}

function moduleUrl(): string {
  // The CommonJS build has no import.meta; it has __filename.
  return typeof __filename === 'string' ? pathToFileURL(__filename).href : import.meta.url;
}

function kindOf(path: string): 'file' | 'dir' | undefined {
  try {
    const info = statSync(path);
    return info.isFile() ? 'file' : info.isDirectory() ? 'dir' : undefined;
  } catch {
    return undefined;
  }
}
