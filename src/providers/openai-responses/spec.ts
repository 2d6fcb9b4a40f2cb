/** The Responses API provider as the pipeline sees it: SSE transport, one assembler. */
import type { ProviderSpec } from '../provider-spec.js';
import { createResponsesAssembler } from './assembler.js';
import type { Response, ResponseStreamEvent } from './types.js';

export type ResponsesProviderSpec = ProviderSpec<ResponseStreamEvent, Response, Response>;

/**
 * OpenAI Responses API streams (`POST /v1/responses` with `stream: true`), as OpenAI, Azure
 * OpenAI, Ollama, vLLM, llama.cpp, LM Studio, OpenRouter, Groq and Open Responses servers send them.
 *
 * @example
 * ```ts
 * const assembler = openAiResponsesProvider.createAssembler();
 * ```
 */
export const openAiResponsesProvider: ResponsesProviderSpec = {
  name: 'openai-responses',
  transport: 'sse',
  createAssembler: createResponsesAssembler,
};
