/**
 * The end-of-body policy: what it means when the bytes of a response stop. Every public path to
 * a final object or a last snapshot (the pipeline behind `assemble()`, `streamEvents()`,
 * `streamFinal()`, `streamResponse()`, replay and the CLI; and the operator path
 * `decodeSse()` / `decodeNdjson()` + `…Snapshots()`) decides it here, so a body cut anywhere
 * ends the same way on each of them.
 *
 * - The transport's end marker (`data: [DONE]`): the assembler says whether the response is
 *   whole (it may still be missing a choice's finish).
 * - The bytes closed at a message boundary: the assembler decides (OpenAI: every choice needs its
 *   `finish_reason`; Ollama: the `done: true` line), else a TruncatedStreamError.
 * - The bytes stopped inside the last message (an event or line no end closed, a UTF-8
 *   character cut short): when what it holds is the start of a JSON value (or of `[DONE]`), the
 *   stream was cut there: a TruncatedStreamError with the ParseError as its cause. Anything else
 *   is bad data: the ParseError.
 * - `lenient` turns a truncation into the partial object as the result, once something was
 *   assembled; with nothing assembled there is no object (only an empty shell), so it stays an
 *   error. Bad data is an error in lenient mode too.
 */
import { ChunkwiseError, ParseError, TruncatedStreamError } from '../errors.js';
import type { Assembler } from './assembler.js';
import { createIncrementalJson } from './incremental-json.js';

/** How the bytes of a body ended. */
export type BodyEnd =
  /** The transport's end marker arrived (`data: [DONE]`). */
  | { kind: 'terminator' }
  /** The bytes ended at a message boundary (or the response said it is complete). */
  | { kind: 'closed' }
  /** The bytes ended inside the last message: `error` is what {@link cutError} made of it. */
  | { kind: 'cut'; error: ChunkwiseError };

export interface EndOptions {
  lenient: boolean;
  /** Whether the assembler took at least one payload. */
  pushed: boolean;
}

/**
 * The final object of a body that ended as `end` says, or throws the error it ends in. An
 * error thrown before anything was assembled carries no partial object.
 */
export function settleEnd<Final>(assembler: Assembler<unknown, unknown, Final>, end: BodyEnd, options: EndOptions): Final {
  const lenient = options.lenient && options.pushed;
  try {
    if (end.kind === 'cut' && !(lenient && end.error instanceof TruncatedStreamError)) throw end.error;
    return assembler.finish(end.kind === 'terminator', lenient);
  } catch (error) {
    if (!options.pushed && error instanceof ChunkwiseError) delete error.partial;
    throw error;
  }
}

/**
 * What the body's last message, which no line end closed and which cannot be decoded, means:
 * a TruncatedStreamError (the ParseError as its cause) when `text` is the start of a JSON value
 * or of `[DONE]` (or unknown: the body stopped inside a UTF-8 character), else the ParseError.
 */
export function cutError(error: ParseError, text: string | undefined): ChunkwiseError {
  if (text !== undefined && !startsJsonValue(text) && !'[DONE]'.startsWith(text)) return error;
  const where = error.event !== undefined ? `SSE event ${error.event}` : error.line !== undefined ? `line ${error.line}` : 'its last event';
  return new TruncatedStreamError(`The stream ended in the middle of ${where}: ${error.message}`, {
    ...(error.event !== undefined ? { event: error.event } : {}),
    ...(error.line !== undefined ? { line: error.line } : {}),
    ...(error.offset !== undefined ? { offset: error.offset } : {}),
    ...(error.excerpt !== undefined ? { excerpt: error.excerpt } : {}),
    cause: error,
  });
}

/** True when `text` is the start of a JSON value (or blank): what a cut would leave of one. */
function startsJsonValue(text: string): boolean {
  const json = createIncrementalJson();
  json.feed(text);
  return json.error === undefined;
}

/**
 * Marks an error as the one a body cut inside its last message ends in, so that an operator
 * downstream of the decoder (`…Snapshots()`) applies the same policy as the pipeline (in
 * lenient mode, the partial object stands).
 */
export function isCutError(error: unknown): error is TruncatedStreamError {
  return error instanceof TruncatedStreamError && error.cause instanceof ParseError;
}
