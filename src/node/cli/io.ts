import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { jsonTextIndented } from '../../assembly/json-text.js';
import { UsageError, escapeControlCharacters } from '../../errors.js';
import { redactText } from '../../assembly/redact.js';
import { concatBytes } from '../../transports/concat-bytes.js';

type Tty = { isTTY?: boolean; columns?: number };

/** Where a command reads and writes; `main` passes the process's own streams. */
export interface CliIo {
  stdout: NodeJS.WritableStream & Tty;
  stderr: NodeJS.WritableStream & Tty;
  stdin: NodeJS.ReadableStream & Tty;
  env: Record<string, string | undefined>;
}

export function processIo(): CliIo {
  quietOnClosedPipe();
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
}

let quiet = false;

/**
 * `chunkwise replay FILE | head`: once the reader has gone, nobody reads the rest, so the
 * command stops at once and quietly (exit 0), as Unix tools do, instead of an EPIPE stack.
 */
function quietOnClosedPipe(): void {
  if (quiet) return;
  quiet = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(0);
      throw error;
    });
  }
}

/**
 * The bytes of `path` as a stream, or standard input for `-`. A missing file or a folder is a
 * UsageError found before any byte is read.
 */
export async function openInput(path: string, io: CliIo): Promise<AsyncIterable<Uint8Array>> {
  if (path === '-') return io.stdin as AsyncIterable<Uint8Array>;
  await checkFile(path);
  return createReadStream(path);
}

/** All of standard input, for a command given `-` as its file. */
export async function readStdin(io: CliIo): Promise<Uint8Array> {
  const pieces: Uint8Array[] = [];
  for await (const piece of io.stdin as AsyncIterable<Uint8Array | string>) pieces.push(typeof piece === 'string' ? new TextEncoder().encode(piece) : piece);
  return concatBytes(pieces);
}

/** Fails with a one-line UsageError unless `path` is a readable file. */
export async function checkFile(path: string): Promise<void> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `no such file: ${path}` : `cannot read ${path}: ${(error as Error).message}`);
  }
  if (info.isDirectory()) throw new UsageError(`${path} is a folder, not a file`);
}

/**
 * A message for a person, on one line (errors, warnings, the log on stderr): control characters
 * made visible (`\x1b`, see `escapeControlCharacters`), so bytes from a body, a file name or a
 * request cannot drive the terminal, and URL secrets masked (`redactText`).
 */
export function oneLine(text: string): string {
  return escapeControlCharacters(redactText(text.replace(/\s*[\r\n]+\s*/g, ' ').trim()));
}

/**
 * How text from the stream (the model's words, tool names) is shown: with its control
 * characters made visible when stdout is a terminal, as it is with `--raw` or when stdout is a
 * pipe or a file (the bytes are kept for whatever reads them).
 */
export function streamTextFilter(io: CliIo, raw: boolean): (text: string) => string {
  return raw || io.stdout.isTTY !== true ? keep : escapeControlCharacters;
}

const keep = (text: string) => text;

/**
 * JSON as the CLI prints it: 2-space indent (compact past the native depth) and a final newline.
 * DEL and C1 controls, which JSON leaves raw, are written as `\u00NN` (the same JSON), so the
 * output is safe on a terminal.
 */
export function toJsonText(value: unknown): string {
  // eslint-disable-next-line no-control-regex
  return `${jsonTextIndented(value ?? null).replace(/[\x7f-\x9f]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`)}\n`;
}

/** Fails with a one-line UsageError unless `path` is a folder. */
export async function checkDir(path: string): Promise<void> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new UsageError(`no such folder: ${path}`);
  }
  if (!info.isDirectory()) throw new UsageError(`${path} is not a folder`);
}
