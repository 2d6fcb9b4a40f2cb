/** The OpenAI / Groq / OpenAI-compatible chat-completions provider: re-exports only. */
export { createOpenAiAssembler, type OpenAiAssembler, type OpenAiAssemblerOptions } from './assembler.js';
export { openAiChunks, openAiSnapshots, type OpenAiSnapshotsOptions } from './chunks.js';
export type { OpenAiEvent } from './event-sink.js';
export { REASONING_FIELDS } from './message-fields.js';
export { groqProvider, openAiProvider, type OpenAiProviderSpec } from './spec.js';
export { assertChatCompletionChunk } from './validate-chunk.js';
export type * from './types.js';
