import type { StreamEvent } from './events.js';

/**
 * The contract every provider implements: a push reducer from decoded payloads (parsed SSE
 * data or NDJSON lines) to the provider's own final response object. It does no I/O, so the
 * same assembler serves the RxJS operators, the async iterator and the one-call Promise.
 */
export interface Assembler<Chunk, Snapshot, Final> {
  /**
   * Applies one decoded payload. Throws a ChunkwiseError (a ParseError naming the JSON path)
   * when the payload is not a chunk of this provider; the state stays as it was before.
   */
  push(payload: unknown, position?: { line?: number; event?: number }): Chunk;
  /** The response assembled so far: a fresh object on each call, O(choices + tool calls), never O(text). */
  snapshot(): Snapshot;
  /**
   * The byte stream ended. `terminated` says the transport saw its end marker (`data: [DONE]`).
   * Returns the final object, or throws a TruncatedStreamError carrying the partial object,
   * unless `lenient` is set, in which case the partial object is returned as it is.
   */
  finish(terminated: boolean, lenient: boolean): Final;
  /** True once the provider said the response is complete (every choice finished / `done: true`). */
  readonly complete: boolean;
}

export interface AssemblerOptions<Snapshot = unknown, Chunk = unknown> {
  /** Receives every typed event as it happens. When absent, no event object is ever built. */
  onEvent?: (event: StreamEvent<Snapshot, Chunk>) => void;
  /** Parse tool-call arguments incrementally and put the partial value on `tool_call.arguments.delta` (default true). */
  partialArguments?: boolean;
  /** Opt-in: treat content as JSON (structured output) and emit `content.partial` events. */
  partialContent?: boolean;
  /**
   * Treat recoverable irregularities of the wire format as errors instead of diagnostics
   * (Responses API: a `sequence_number` gap, repeat or reordering becomes a ParseError).
   */
  strict?: boolean;
}
