import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { UsageError } from '../../errors.js';

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
  const out = new Uint8Array(pieces.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const piece of pieces) {
    out.set(piece, at);
    at += piece.byteLength;
  }
  return out;
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

/** An error message on one line, for stderr. */
export function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

/** JSON as the CLI prints it: 2-space indent and a final newline. */
export function toJsonText(value: unknown): string {
  return `${JSON.stringify(value ?? null, null, 2)}\n`;
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
