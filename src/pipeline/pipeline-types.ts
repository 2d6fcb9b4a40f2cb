// The pipeline's interfaces, apart from its code so that its steps (non-streamed bodies, the stream) can share them.
import type { AssemblerOptions } from '../assembly/assembler.js';
import type { StreamEvent } from '../assembly/events.js';
import type { ChunkwiseError } from '../errors.js';
import type { ProviderName } from '../providers/provider-spec.js';

export interface PipelineOptions<P extends ProviderName = ProviderName> extends Omit<AssemblerOptions, 'onEvent'> {
  /** One of the registry's providers (`'openai' | 'groq' | 'ollama' | 'openai-responses'`); detected from the body when absent. */
  provider?: P;
  /**
   * Accept a stream that ended early: the partial object becomes the result instead of a
   * TruncatedStreamError (an unfinished last event or line is left out).
   */
  lenient?: boolean;
  /** Largest SSE event or NDJSON line (characters / bytes). Default 64 MiB. */
  maxEventSize?: number;
}

export interface PipelineSink {
  event?: (event: StreamEvent) => void;
  final(response: unknown, provider: ProviderName): void;
  error(error: ChunkwiseError): void;
}

export interface Pipeline {
  /** A content type seen before the first byte helps detection. */
  contentType(value: string | null): void;
  feed(piece: Uint8Array): void;
  end(): void;
  /** The source failed (network, abort, timeout): report it with the partial object. */
  fail(error: unknown): void;
  /** The response assembled so far, or undefined before the first chunk. */
  snapshot(): unknown;
  /** The provider: named, or once the first payload has told it. */
  readonly provider: ProviderName | undefined;
}
