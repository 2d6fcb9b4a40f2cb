import type { ProviderName } from './provider-spec.js';
import type { StreamEvent } from '../assembly/events.js';
import type { OllamaChunk, OllamaResponse, OllamaSnapshot } from './ollama/types.js';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionSnapshot } from './openai/types.js';
import type { Response as ResponsesApiResponse, ResponseStreamEvent } from './openai-responses/types.js';

/**
 * The types of each provider: the chunk it streams, the snapshot it builds, the final object it
 * returns (the object the same request returns with `stream: false`). Every public function
 * that takes a `provider` option is typed from this map, so a new provider is one entry here
 * (its name in {@link ProviderName} without an entry does not compile).
 */
export interface ProviderTypes {
  openai: { chunk: ChatCompletionChunk; snapshot: ChatCompletionSnapshot; final: ChatCompletion };
  groq: { chunk: ChatCompletionChunk; snapshot: ChatCompletionSnapshot; final: ChatCompletion };
  ollama: { chunk: OllamaChunk; snapshot: OllamaSnapshot; final: OllamaResponse };
  'openai-responses': { chunk: ResponseStreamEvent; snapshot: ResponsesApiResponse; final: ResponsesApiResponse };
}

/** The final object of provider `P`; of any provider (a union that narrows) when `P` is not known. */
export type FinalOf<P extends ProviderName = ProviderName> = ProviderTypes[P]['final'];
/** The snapshot type of provider `P`. */
export type SnapshotOf<P extends ProviderName = ProviderName> = ProviderTypes[P]['snapshot'];
/** The chunk type of provider `P`. */
export type ChunkOf<P extends ProviderName = ProviderName> = ProviderTypes[P]['chunk'];
/**
 * The events of provider `P`'s stream, `done` carrying its final object. With `P` a union
 * (no provider named), a union of each provider's events.
 */
export type ProviderEvent<P extends ProviderName = ProviderName> = P extends ProviderName ? StreamEvent<SnapshotOf<P>, ChunkOf<P>, FinalOf<P>> : never;

// Every provider name has an entry, and every entry is a provider name (else this does not compile).
type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Holds<T extends true> = T;
export type EveryProviderTyped = Holds<Exactly<keyof ProviderTypes, ProviderName>>;
