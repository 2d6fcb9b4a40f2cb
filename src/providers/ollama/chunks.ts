/**
 * RxJS operators over parsed NDJSON values (`decodeNdjson()`'s output): thin wrappers around
 * the Ollama assembler, one assembler per subscription.
 */
import { ASSEMBLER_OPTIONS, checkOptions } from '../../assembly/check-options.js';
import { Observable, type OperatorFunction } from 'rxjs';
import type { Assembler, AssemblerOptions } from '../../assembly/assembler.js';
import { assemblerSnapshots } from '../../assembly/snapshots-operator.js';
import { toChunkwiseError } from '../../errors.js';
import { TRANSPORTS } from '../../transports/transport-table.js';
import { ollamaProvider } from './spec.js';
import { createOllamaAssembler } from './assembler.js';
import type { OllamaChunk, OllamaSnapshot } from './types.js';

/**
 * Checks each NDJSON value and passes it on typed as an Ollama chunk. Fails with a ParseError
 * naming the field of a line that is not an Ollama chunk, or the ProviderError of an
 * `{"error": "…"}` line. Does not check that the stream ended with `done: true`.
 *
 * @example
 * ```ts
 * fromSource(await fetch('http://localhost:11434/api/chat', init))
 *   .pipe(decodeNdjson(), ollamaChunks())
 *   .subscribe((chunk) => console.log(chunk.done));
 * ```
 */
export function ollamaChunks(): OperatorFunction<unknown, OllamaChunk> {
  return (source) =>
    new Observable<OllamaChunk>((subscriber) => {
      const assembler = createOllamaAssembler();
      return source.subscribe({
        next(value) {
          let chunk: OllamaChunk;
          try {
            chunk = assembler.push(value);
          } catch (error) {
            subscriber.error(error);
            return;
          }
          subscriber.next(chunk);
        },
        error: (error) => subscriber.error(toChunkwiseError(error)),
        complete: () => subscriber.complete(),
      });
    });
}

export interface OllamaSnapshotsOptions extends AssemblerOptions<OllamaSnapshot, OllamaChunk> {
  /** Complete quietly when the stream ends without `done: true` (default: TruncatedStreamError). */
  lenient?: boolean;
}

/**
 * Emits the response assembled so far after each NDJSON value; the snapshot after the
 * `done: true` line is the final response. Every error carries the partial response; a stream
 * that ends before `done: true` fails with a TruncatedStreamError unless `lenient`.
 *
 * @example
 * ```ts
 * fromSource(await fetch('http://localhost:11434/api/chat', init))
 *   .pipe(decodeNdjson(), ollamaSnapshots())
 *   .subscribe((chat) => render(chat.message.content));
 * ```
 */
export function ollamaSnapshots(options: OllamaSnapshotsOptions = {}): OperatorFunction<unknown, OllamaSnapshot> {
  checkOptions('ollamaSnapshots', options, ASSEMBLER_OPTIONS);
  const { lenient = false, ...assemblerOptions } = options;
  return assemblerSnapshots(
    () => createOllamaAssembler(assemblerOptions) as Assembler<unknown, OllamaSnapshot, unknown>,
    { lenient, endsAtComplete: TRANSPORTS[ollamaProvider.transport].endsAtComplete },
    (value: unknown) => ({ payload: value }),
  );
}
