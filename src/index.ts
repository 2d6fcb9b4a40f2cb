// The web-standard public API: runs in browsers, Deno, Bun, edge runtimes and Node.
export * from './errors.js';
export type { StreamEvent, StreamEventType, EventOf, TokenLogprob, UsageInfo } from './assembly/events.js';
export type { Assembler, AssemblerOptions, ProviderName, ProviderSpec, TransportName } from './assembly/assembler.js';

export { fromSource, type ByteSource, type SourceOptions, type ExpectedFormat } from './sources/from-source.js';
export { idleTimeout } from './sources/idle-timeout.js';

export { createSseDecoder, decodeSse, isDoneMessage, type SseMessage, type SseDecoder, type SseDecoderOptions, type SseSink } from './transports/sse.js';
export { createNdjsonDecoder, decodeNdjson, type NdjsonDecoder, type NdjsonDecoderOptions, type NdjsonSink } from './transports/ndjson.js';
export { providerErrorFrom } from './transports/provider-error.js';

export { providerSpec, PROVIDER_NAMES } from './providers/registry.js';

export { assemble } from './operators/assemble.js';
export { streamEvents, streamFinal, type StreamOptions, type FinalResult } from './operators/run-pipeline.js';
export { streamResponse, type ResponseStream } from './operators/stream-response.js';
export { toAsyncIterable } from './operators/to-async-iterable.js';
export { createPipeline, type Pipeline, type PipelineOptions, type PipelineSink } from './operators/pipeline.js';
