/**
 * The OpenAI-format providers as the pipeline sees them: SSE transport, one assembler. Groq
 * (and any OpenAI-compatible server) speaks the same format; the name only tells them apart.
 */
import type { ProviderSpec } from '../provider-spec.js';
import { createOpenAiAssembler } from './assembler.js';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionSnapshot } from './types.js';

export type OpenAiProviderSpec = ProviderSpec<ChatCompletionChunk, ChatCompletionSnapshot, ChatCompletion>;

/**
 * OpenAI chat completions (`POST /v1/chat/completions` with `stream: true`).
 *
 * @example
 * ```ts
 * const assembler = openAiProvider.createAssembler();
 * ```
 */
export const openAiProvider: OpenAiProviderSpec = {
  name: 'openai',
  transport: 'sse',
  createAssembler: createOpenAiAssembler,
};

/**
 * Groq's OpenAI-compatible chat completions (`x_groq` is kept; its usage fills `usage`).
 *
 * @example
 * ```ts
 * const assembler = groqProvider.createAssembler();
 * ```
 */
export const groqProvider: OpenAiProviderSpec = {
  name: 'groq',
  transport: 'sse',
  createAssembler: createOpenAiAssembler,
};
