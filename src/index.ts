// The web-standard public API: runs in browsers, Deno, Bun, edge runtimes and Node.
// Every export is listed by name: a change here changes the public surface, which
// test/build/public-api.json records (regenerate it with `UPDATE_API=1 npx vitest run test/build/public-api.test.ts`).

/**
 * The web-standard public API: runs in browsers, Deno, Bun, edge runtimes and Node.
 * @module chunkwise
 */

// Errors: one class a failure kind, each carrying the partial object.
export {
  AbortError,
  ChunkwiseError,
  HttpError,
  IdleTimeoutError,
  LimitError,
  NetworkError,
  ParseError,
  ProviderError,
  TruncatedStreamError,
  UsageError,
  isChunkwiseError,
  type ChunkwiseErrorCode,
  type ChunkwiseErrorOptions,
  type StreamPosition,
} from './errors.js';

// One call: bytes in, the provider's final object out; events and snapshots on the way.
export { assemble, isChatCompletion, isOllamaResponse, isResponsesApiResponse, type AssembledResponse } from './operators/assemble.js';
export type { ProviderTypes, FinalOf, SnapshotOf, ChunkOf, ProviderEvent } from './providers/provider-types.js';
export { streamEvents, streamFinal, type StreamOptions, type FinalResult } from './operators/run-pipeline.js';
export { streamResponse, type ResponseStream } from './operators/stream-response.js';
export { toAsyncIterable } from './operators/to-async-iterable.js';
// The same without RxJS: a push pipeline (bytes fed in, the final object to a sink).
export { createPipeline, type Pipeline, type PipelineOptions, type PipelineSink } from './pipeline/pipeline.js';
export type { StreamEvent, StreamEventType, EventOf, TokenLogprob, UsageInfo } from './assembly/events.js';
export type { Assembler, AssemblerOptions } from './assembly/assembler.js';
export type { ProviderName } from './providers/provider-spec.js';
export type { TransportName } from './transports/transport-table.js';

// Byte sources and transport decoders, as RxJS operators and as push decoders.
export { fromSource, type ByteSource, type ReadyByteSource, type SourceOptions, type ExpectedFormat } from './sources/from-source.js';
export { idleTimeout } from './sources/idle-timeout.js';
export type { ByteDecoder } from './transports/byte-decoder.js';
export { createSseDecoder, decodeSse, isDoneMessage, type SseMessage, type SseDecoder, type SseDecoderOptions, type SseSink } from './transports/sse.js';
export { createNdjsonDecoder, decodeNdjson, type NdjsonDecoder, type NdjsonDecoderOptions, type NdjsonSink } from './transports/ndjson.js';

// Providers: OpenAI / Groq / OpenAI-compatible chat completions (SSE) and Ollama (NDJSON).
export { createOpenAiAssembler, openAiChunks, openAiSnapshots, type OpenAiAssembler, type OpenAiAssemblerOptions, type OpenAiSnapshotsOptions, type OpenAiEvent } from './providers/openai/index.js';
export type {
  ChatCompletion,
  ChatCompletionChoice,
  ChatCompletionChunk,
  ChatCompletionFunctionCall,
  ChatCompletionLogprobs,
  ChatCompletionMessage,
  ChatCompletionSnapshot,
  ChatCompletionToolCall,
  ChunkChoice,
  ChunkDelta,
  ChunkLogprobs,
  ChunkToolCall,
} from './providers/openai/types.js';
export { createOllamaAssembler, ollamaChunks, ollamaSnapshots, type OllamaAssembler, type OllamaSnapshotsOptions } from './providers/ollama/index.js';
export type {
  OllamaChatChunk,
  OllamaChatMessage,
  OllamaChatMessageChunk,
  OllamaChatResponse,
  OllamaChunk,
  OllamaEndpoint,
  OllamaEvent,
  OllamaGenerateChunk,
  OllamaGenerateResponse,
  OllamaLogprob,
  OllamaMetrics,
  OllamaResponse,
  OllamaSnapshot,
  OllamaTokenLogprob,
  OllamaToolCall,
} from './providers/ollama/types.js';
// Providers: the OpenAI Responses API (SSE, `POST /v1/responses`).
export { createResponsesAssembler, openAiResponsesProvider, type ResponsesAssembler, type ResponsesAssemblerOptions, type ResponsesProviderSpec } from './providers/openai-responses/index.js';
export type { ResponsesEvent, ResponsesApiResponse, ResponseContentPart, ResponseItem, ResponseStreamEvent, ResponseUsage, SequenceDiagnostic } from './providers/openai-responses/index.js';
export { createIncrementalJson, type IncrementalJson, type IncrementalJsonOptions, type JsonPath } from './assembly/incremental-json.js';

// Live consumption helpers (provider-neutral, on any scheduler).
export { typingIndicator, nextTypingState, typingPhases, nextTypingPhase, type TypingState, type TypingSignal, type TypingIndicatorOptions, type TypingPhase, type TypingPhaseName, type TypingPhasesOptions, type TypingPhaseContext } from './operators/typing-indicator.js';
export { streamMetrics, metricsTracker, type StreamMetrics, type StreamMetricsOptions, type MetricsTracker } from './operators/stream-metrics.js';
export { smoothText, DEFAULT_CHARS_PER_SECOND, type SmoothTextOptions } from './operators/smooth-text.js';
export type { TextUnit } from './operators/text-units.js';
export { shareLatest } from './operators/share-latest.js';
export { isTokenEvent, type TokenEventType } from './operators/token-events.js';

// Recordings: record a live stream, replay it with its timing on any scheduler, store it as a sidecar.
export { RECORDING_FORMAT_VERSION, RECORDING_FORMAT_NAME, type Recording, type RecordingPiece, type RecordingEnd, type RecordingMeta, type RecordingSidecar } from './replay/recording.js';
export { record, type RecordOptions, type Recorder } from './replay/record.js';
export { replay, type ReplayOptions } from './replay/replay.js';
export { DEFAULT_TOKENS_PER_SECOND, type ReplayTiming, type ReplayTimingOptions } from './replay/replay-plan.js';
export { replayAsReadableStream, replayResponse } from './replay/replay-response.js';
export { recordingToSidecar, recordingFromSidecar } from './replay/sidecar.js';
export { redactSecrets, redactHeaders, redactText, REDACTED } from './assembly/redact.js';
