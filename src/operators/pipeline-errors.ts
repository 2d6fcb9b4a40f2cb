/**
 * How the pipeline words the failures it finds itself, as opposed to those the decoders and
 * the assemblers report.
 */
import { createIncrementalJson } from '../assembly/incremental-json.js';
import { ChunkwiseError, LimitError, ParseError, TruncatedStreamError, isAbortLike } from '../errors.js';

/**
 * The body ended inside its last SSE event / NDJSON line, which cannot be decoded. When what it
 * holds is the start of a JSON value (or of `[DONE]`), the stream was cut there: a
 * TruncatedStreamError with the ParseError as its cause (in lenient mode, the partial object
 * becomes the result). Anything else is bad data: undefined, and the ParseError stands.
 */
export function truncationOf(error: ParseError, text: string | undefined): TruncatedStreamError | undefined {
  if (text !== undefined && !startsJsonValue(text) && !'[DONE]'.startsWith(text)) return undefined;
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
 * An assembler throws ChunkwiseErrors; anything else (a RangeError from a value nested too deep
 * to copy, a bug) was still set off by the data at `position`: a ParseError that says where,
 * rather than the NetworkError that `toChunkwiseError` would make of it.
 */
export function unexpected(error: unknown, position: { line?: number; event?: number }): unknown {
  if (error instanceof ChunkwiseError || isAbortLike(error)) return error;
  const what = position.event !== undefined ? 'An SSE event' : position.line !== undefined ? 'A line' : 'The response';
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new ParseError(`${what} could not be assembled (${detail})`, { ...position, cause: error });
}

/** The NDJSON decoder's `maxLineBytes` is this pipeline's `maxEventSize`: name the option the caller set. */
export function asEventSizeLimit(error: ChunkwiseError): ChunkwiseError {
  if (!(error instanceof LimitError) || error.limitName !== 'maxLineBytes') return error;
  return new LimitError('maxEventSize', error.limit, `An NDJSON line is longer than maxEventSize (${error.limit} bytes)`, {
    ...(error.line !== undefined ? { line: error.line } : {}),
    ...(error.offset !== undefined ? { offset: error.offset } : {}),
    cause: error,
  });
}
