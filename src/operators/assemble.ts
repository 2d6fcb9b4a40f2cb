import { lastValueFrom } from 'rxjs';
import type { ByteSource } from '../sources/from-source.js';
import { streamFinal, type StreamOptions } from './run-pipeline.js';

/**
 * One call for the simplest case: a response body in, the provider's final response object
 * out: the same object that the same request returns with `stream: false`, and the one
 * `chunkwise assemble` prints. The provider is detected when `options.provider` is absent.
 *
 * Fails with a ChunkwiseError whose `partial` holds what was assembled before the failure.
 *
 * @example
 * ```ts
 * const completion = await assemble(fetch('https://api.openai.com/v1/chat/completions', init));
 * console.log(completion.choices[0].message.content);
 * ```
 */
export async function assemble<T = any>(source: ByteSource, options: StreamOptions = {}): Promise<T> {
  const { response } = await lastValueFrom(streamFinal(source, options));
  return response as T;
}
