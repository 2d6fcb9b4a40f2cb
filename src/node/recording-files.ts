/**
 * Recordings on disk (Node only): `NAME.sse` / `NAME.ndjson` / `NAME.jsonl` bodies with an
 * optional `BODY.json` sidecar beside them (`NAME.sse.json`), see `replay/recording.ts`.
 */
import { chmod, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { jsonTextIndented } from '../assembly/json-text.js';
import { UsageError } from '../errors.js';
import { bodyFormat } from '../replay/message-boundaries.js';
import type { Recording } from '../replay/recording.js';
import { TRANSPORTS, TRANSPORT_NAMES } from '../transports/transport-table.js';
import { piecesProblem, recordingFromSidecar, recordingToSidecar } from '../replay/sidecar.js';

/** File extensions of recording bodies, and the content type each implies. */
export const RECORDING_BODY_TYPES: Readonly<Record<string, string>> = Object.fromEntries(
  TRANSPORT_NAMES.flatMap((name) => TRANSPORTS[name].extensions.map((extension) => [extension, TRANSPORTS[name].contentType])),
);

/**
 * The mode of files `writeRecording` writes unless told otherwise: owner read and write only,
 * whatever the umask, since a recording holds prompts, outputs and response headers.
 */
export const RECORDING_FILE_MODE = 0o600;

/** How {@link writeRecording} writes. */
export interface WriteRecordingOptions {
  /**
   * Mode of the body and sidecar (default `0o600`). Folders it creates get the same bits plus
   * search (`x`) where they are readable: `0o700` by default, `0o755` for `0o644`.
   */
  fileMode?: number;
}

/**
 * The mode of a folder holding files of `fileMode`: each class that may read may also enter.
 *
 * @example
 * ```ts
 * folderModeFor(0o600); // 0o700
 * folderModeFor(0o644); // 0o755
 * ```
 */
export function folderModeFor(fileMode: number): number {
  return fileMode | ((fileMode & 0o444) >> 2);
}

/**
 * Throws a UsageError naming `what` unless `mode` is a file mode (an integer from 0 to 0o777).
 *
 * @example
 * ```ts
 * checkFileMode('--file-mode', 0o644);
 * ```
 */
export function checkFileMode(what: string, mode: unknown): asserts mode is number {
  if (typeof mode !== 'number' || !Number.isInteger(mode) || mode < 0 || mode > 0o777) {
    throw new UsageError(`${what} must be a file mode from 0 to 0o777 (e.g. 0o600), got ${typeof mode === 'number' && Number.isInteger(mode) ? `0o${mode.toString(8)}` : String(mode)}`);
  }
}

const SIDECAR_SUFFIX = '.json';
const EXPECTED_SUFFIX = '.expected.json';

/** One recording found by {@link listRecordings}. */
export interface RecordingEntry {
  /** The body's path relative to the listed folder, without its extension (`openai-text`, `ollama/chat`). */
  name: string;
  bodyPath: string;
  /** `BODY.json`, when it exists. */
  sidecarPath?: string;
  /** `NAME.expected.json`, when it exists. */
  expectedPath?: string;
}

/**
 * The sidecar path of a body: the body's file name plus `.json`.
 *
 * @example
 * ```ts
 * sidecarPathOf('recordings/openai-text.sse'); // 'recordings/openai-text.sse.json'
 * ```
 */
export function sidecarPathOf(bodyPath: string): string {
  return bodyPath + SIDECAR_SUFFIX;
}

/**
 * Reads a recording: the body file and, when present, its sidecar. A sidecar path is accepted
 * too and means its body. When neither a sidecar nor its metadata names the content type,
 * `meta.contentType` comes from the extension.
 *
 * @throws UsageError naming the file when it is missing or unreadable, its extension is not a
 * recording's, or its sidecar is not valid.
 * @example
 * ```ts
 * const recording = await readRecording('recordings/openai-text.sse');
 * replay(recording, { speed: 4 }).subscribe(…);
 * ```
 */
export async function readRecording(path: string): Promise<Recording> {
  const bodyPath = isSidecarPath(path) ? path.slice(0, -SIDECAR_SUFFIX.length) : path;
  const contentType = bodyContentType(bodyPath);
  let body: Uint8Array;
  try {
    body = new Uint8Array(await readFile(bodyPath));
  } catch (error) {
    throw new UsageError(`Cannot read recording ${bodyPath}: ${reason(error)}`, { cause: error });
  }
  const sidecarPath = sidecarPathOf(bodyPath);
  let text: string | undefined;
  try {
    text = await readFile(sidecarPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new UsageError(`Cannot read recording sidecar ${sidecarPath}: ${reason(error)}`, { cause: error });
    }
  }
  if (text === undefined) return { body, meta: { contentType } };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`Recording sidecar ${sidecarPath} is not valid JSON: ${reason(error)}`, { cause: error });
  }
  const recording = recordingFromSidecar(body, json, sidecarPath);
  if (!recording.meta?.contentType) recording.meta = { ...recording.meta, contentType };
  return recording;
}

/**
 * Writes a recording: the body to `bodyPath` (folders created as needed) and, when the
 * recording has pieces, metadata or an end, the sidecar beside it (secrets redacted). A
 * recording with none of those removes a stale sidecar, so the pair always agrees. A path
 * without an extension gets the one of the body's format (its content type, else its first
 * byte): `.sse` or `.ndjson`. Files are written `0o600` and new folders `0o700` (not by the
 * umask) unless `options.fileMode` says otherwise; a file that existed gets the mode too.
 *
 * @returns the path the body was written to.
 * @throws UsageError when the extension is not `.sse`, `.ndjson` or `.jsonl` (nor absent), or
 * the pieces do not tile the body (nothing is written then).
 * @example
 * ```ts
 * await writeRecording('recordings/openai-text.sse', await recording);
 * await writeRecording('recordings/openai-text', await recording); // 'recordings/openai-text.sse'
 * ```
 */
export async function writeRecording(path: string, recording: Recording, options: WriteRecordingOptions = {}): Promise<string> {
  const mode = options.fileMode ?? RECORDING_FILE_MODE;
  const bodyPath = extname(path) === '' ? `${path}${bodyFormat(recording) === 'sse' ? '.sse' : '.ndjson'}` : path;
  bodyContentType(bodyPath);
  const problem = recording.pieces && piecesProblem(recording.pieces, recording.body.byteLength);
  if (problem) throw new UsageError(`Cannot write recording ${bodyPath}: ${problem}`);
  const sidecarPath = sidecarPathOf(bodyPath);
  await mkdir(dirname(bodyPath), { recursive: true, mode: folderModeFor(mode) });
  await writeOwnFile(bodyPath, recording.body, mode);
  if (recording.pieces || recording.meta || recording.end) {
    await writeOwnFile(sidecarPath, `${jsonTextIndented(recordingToSidecar(recording))}\n`, mode);
  } else {
    await rm(sidecarPath, { force: true });
  }
  return bodyPath;
}

/**
 * The recordings in a folder (and its subfolders with `recursive: true`), sorted by name, with
 * their sidecar and expected-object files when they exist.
 *
 * @throws UsageError when the folder cannot be read.
 * @example
 * ```ts
 * for (const { name, bodyPath } of await listRecordings('recordings')) console.log(name, bodyPath);
 * ```
 */
export async function listRecordings(dir: string, options: { recursive?: boolean } = {}): Promise<RecordingEntry[]> {
  let files: string[];
  try {
    files = (await readdir(dir, { recursive: options.recursive ?? false })).map(String);
  } catch (error) {
    throw new UsageError(`Cannot list recordings in ${dir}: ${reason(error)}`, { cause: error });
  }
  const present = new Set(files);
  const entries: RecordingEntry[] = [];
  for (const file of files) {
    const ext = extname(file).toLowerCase();
    if (!(ext in RECORDING_BODY_TYPES)) continue;
    const name = file.slice(0, -ext.length);
    const entry: RecordingEntry = { name: name.split('\\').join('/'), bodyPath: join(dir, file) };
    if (present.has(file + SIDECAR_SUFFIX)) entry.sidecarPath = join(dir, file + SIDECAR_SUFFIX);
    if (present.has(name + EXPECTED_SUFFIX)) entry.expectedPath = join(dir, name + EXPECTED_SUFFIX);
    entries.push(entry);
  }
  return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

// `mode` on writeFile applies only to a new file, and through the umask: chmod sets it exactly.
async function writeOwnFile(path: string, data: Uint8Array | string, mode: number): Promise<void> {
  await writeFile(path, data, { mode });
  await chmod(path, mode);
}

function isSidecarPath(path: string): boolean {
  if (!path.endsWith(SIDECAR_SUFFIX) || path.endsWith(EXPECTED_SUFFIX)) return false;
  return extname(path.slice(0, -SIDECAR_SUFFIX.length)).toLowerCase() in RECORDING_BODY_TYPES;
}

function bodyContentType(bodyPath: string): string {
  const type = RECORDING_BODY_TYPES[extname(bodyPath).toLowerCase()];
  if (!type) {
    const known = Object.keys(RECORDING_BODY_TYPES).join(', ');
    throw new UsageError(`${basename(bodyPath)} is not a recording body (${bodyPath}): expected one of ${known}, or no extension to take the body's format`);
  }
  return type;
}

function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a folder';
  if (code === 'EACCES') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}

