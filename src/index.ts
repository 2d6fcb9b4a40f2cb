// The web-standard public API: runs in browsers, Deno, Bun, edge runtimes and Node.
export * from './errors.js';
export type { StreamEvent, StreamEventType, EventOf, TokenLogprob, UsageInfo } from './assembly/events.js';
export type { Assembler, AssemblerOptions, ProviderName, ProviderSpec, TransportName } from './assembly/assembler.js';

export { fromSource, type ByteSource, type ReadyByteSource, type SourceOptions, type ExpectedFormat } from './sources/from-source.js';
export { idleTimeout } from './sources/idle-timeout.js';

export type { ByteDecoder } from './transports/byte-decoder.js';
export { createSseDecoder, decodeSse, isDoneMessage, type SseMessage, type SseDecoder, type SseDecoderOptions, type SseSink } from './transports/sse.js';
export { createNdjsonDecoder, decodeNdjson, type NdjsonDecoder, type NdjsonDecoderOptions, type NdjsonSink } from './transports/ndjson.js';
export { providerErrorFrom } from './transports/provider-error.js';

export { providerSpec, PROVIDER_NAMES } from './providers/registry.js';

export { assemble, isChatCompletion, isOllamaResponse, type AssembledResponse } from './operators/assemble.js';
export { streamEvents, streamFinal, type StreamOptions, type FinalResult } from './operators/run-pipeline.js';
export { streamResponse, type ResponseStream } from './operators/stream-response.js';
export { toAsyncIterable } from './operators/to-async-iterable.js';
export { createPipeline, type Pipeline, type PipelineOptions, type PipelineSink } from './operators/pipeline.js';

// Live consumption helpers (provider-neutral, on any scheduler).
export { typingIndicator, nextTypingState, typingPhases, nextTypingPhase, type TypingState, type TypingSignal, type TypingIndicatorOptions, type TypingPhase, type TypingPhaseName, type TypingPhasesOptions, type TypingPhaseContext } from './operators/typing-indicator.js';
export { streamMetrics, metricsTracker, type StreamMetrics, type StreamMetricsOptions, type MetricsTracker } from './operators/stream-metrics.js';
export { smoothText, DEFAULT_CHARS_PER_SECOND, type SmoothTextOptions } from './operators/smooth-text.js';
export type { TextUnit } from './operators/text-units.js';
export { shareLatest } from './operators/share-latest.js';
export { isTokenEvent, type TokenEventType } from './operators/token-events.js';

// Recordings: record a live stream, replay it with its timing on any scheduler.
export { RECORDING_FORMAT_VERSION, RECORDING_FORMAT_NAME, type Recording, type RecordingPiece, type RecordingEnd, type RecordingMeta, type RecordingSidecar } from './replay/recording.js';
export { record, type RecordOptions, type Recorder } from './replay/record.js';
export { replay, type ReplayOptions } from './replay/replay.js';
export { replayPlan, DEFAULT_TOKENS_PER_SECOND, type ReplayTiming, type ReplayTimingOptions, type ReplayPlan } from './replay/replay-plan.js';
export { replayAsReadableStream, replayResponse } from './replay/replay-response.js';
export { toReadableStream } from './replay/to-readable-stream.js';
export { describeResponse, type RequestDescription } from './replay/response-meta.js';
export { recordingToSidecar, recordingFromSidecar } from './replay/sidecar.js';
export { redactSecrets, redactHeaders, REDACTED } from './replay/redact.js';
export { bodyFormat, messageEnds, type BodyFormat } from './replay/message-boundaries.js';

// Providers: OpenAI / Groq / OpenAI-compatible (SSE) and Ollama (NDJSON).
export * from './providers/openai/index.js';
export * from './providers/ollama/index.js';
export { providerFromContentType, transportFromFirstBytes } from './providers/detect.js';
export { createIncrementalJson, type IncrementalJson, type IncrementalJsonOptions, type JsonPath } from './assembly/incremental-json.js';
export { createLogprobStore, type LogprobStore } from './assembly/logprob-store.js';
