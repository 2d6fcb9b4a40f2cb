/** The OpenAI Responses API provider: re-exports only. */
export { createResponsesAssembler, type ResponsesAssembler, type ResponsesAssemblerOptions } from './assembler.js';
export type { ResponsesEvent } from './event-sink.js';
export { openAiResponsesProvider, type ResponsesProviderSpec } from './spec.js';
// `Response` under a name that does not shadow the fetch API's Response.
export type { Response as ResponsesApiResponse, ResponseContentPart, ResponseItem, ResponseStreamEvent, ResponseUsage, SequenceDiagnostic } from './types.js';
