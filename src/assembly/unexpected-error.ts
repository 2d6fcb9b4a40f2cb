/** How an assembler's failure that is not a ChunkwiseError is worded, on every path that runs an assembler. */
import { ChunkwiseError, ParseError, isAbortLike } from '../errors.js';

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
