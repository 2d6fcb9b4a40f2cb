/** The OpenAI Responses API provider: re-exports only. */
export { createResponsesAssembler, type ResponsesAssembler, type ResponsesAssemblerOptions } from './assembler.js';
export type { ResponsesEvent } from './event-sink.js';
export { openAiResponsesProvider, type ResponsesProviderSpec } from './spec.js';
export type * from './types.js';
