import { lastValueFrom } from 'rxjs';
import type { ProviderName } from '../providers/provider-spec.js';
import type { OllamaResponse } from '../providers/ollama/types.js';
import type { FinalOf } from '../providers/provider-types.js';
import type { ChatCompletion } from '../providers/openai/types.js';
import type { Response as ResponsesApiResponse } from '../providers/openai-responses/types.js';
import type { ByteSource } from '../sources/from-source.js';
import { STREAM_OPTIONS, checkOptions } from '../assembly/check-options.js';
import { PROVIDER_OPTION } from '../pipeline/pipeline.js';
import { streamFinal, type StreamOptions } from './run-pipeline.js';

/** The final object of any provider: narrow it with `'choices' in r`, `'output' in r`, `isChatCompletion`, `isOllamaResponse` or `isResponsesApiResponse`. */
export type AssembledResponse = FinalOf<ProviderName>;

/**
 * One call for the simplest case: a response body in, the provider's final response object
 * out: the same object that the same request returns with `stream: false`, and the one
 * `chunkwise assemble` prints. The provider is detected when `options.provider` is absent.
 *
 * Fails with a ChunkwiseError whose `partial` holds what was assembled before the failure.
 *
 * @example
 * ```ts
 * const completion = await assemble(fetch('https://api.openai.com/v1/chat/completions', init), { provider: 'openai' });
 * console.log(completion.choices[0].message.content);
 * ```
 */
export async function assemble<P extends ProviderName = ProviderName>(source: ByteSource, options: StreamOptions<P> = {}): Promise<FinalOf<P>> {
  checkOptions('assemble', options, STREAM_OPTIONS, PROVIDER_OPTION);
  const { response } = await lastValueFrom(streamFinal(source, options));
  return response as FinalOf<P>;
}

/** True for an OpenAI-format `chat.completion` (OpenAI, Groq, OpenAI-compatible servers). */
export function isChatCompletion(response: unknown): response is ChatCompletion {
  return typeof response === 'object' && response !== null && Array.isArray((response as ChatCompletion).choices);
}

/** True for an Ollama `/api/chat` or `/api/generate` response. */
export function isOllamaResponse(response: unknown): response is OllamaResponse {
  return typeof response === 'object' && response !== null && typeof (response as { done?: unknown }).done === 'boolean' && !('choices' in response);
}

/** True for a Responses API `response` object (`POST /v1/responses`). */
export function isResponsesApiResponse(response: unknown): response is ResponsesApiResponse {
  return typeof response === 'object' && response !== null && (response as { object?: unknown }).object === 'response' && Array.isArray((response as { output?: unknown }).output);
}
