import type { ProviderSpec } from '../provider-spec.js';
import { createOllamaAssembler } from './assembler.js';
import type { OllamaChunk, OllamaResponse, OllamaSnapshot } from './types.js';

/**
 * Ollama's native API (`/api/chat`, `/api/generate`) over NDJSON. Its OpenAI-compatible
 * endpoint (`/v1/chat/completions`) streams SSE and goes through the OpenAI provider.
 *
 * @example
 * ```ts
 * const assembler = ollamaProvider.createAssembler({ onEvent: console.log });
 * ```
 */
export const ollamaProvider: ProviderSpec<OllamaChunk, OllamaSnapshot, OllamaResponse> = {
  name: 'ollama',
  transport: 'ndjson',
  createAssembler: createOllamaAssembler,
};
