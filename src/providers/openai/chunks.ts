/**
 * RxJS operators over the chat-completions reducer: thin wrappers, each subscription with its
 * own assembler, so the same logic serves these, the async iterator and the one-call Promise.
 */
import { ASSEMBLER_OPTIONS, checkOptions } from '../../assembly/check-options.js';
import { Observable, type OperatorFunction } from 'rxjs';
import type { Assembler } from '../../assembly/assembler.js';
import { assemblerSnapshots, type AssemblerInput } from '../../assembly/snapshots-operator.js';
import { checkJsonDepth } from '../../assembly/json-depth.js';
import { ParseError, excerptOf } from '../../errors.js';
import { isDoneMessage, type SseMessage } from '../../transports/sse.js';
import { TRANSPORTS } from '../../transports/transport-table.js';
import { openAiProvider } from './spec.js';
import { createOpenAiAssembler, type OpenAiAssemblerOptions } from './assembler.js';
import type { ChatCompletionChunk, ChatCompletionSnapshot } from './types.js';
import { assertChatCompletionChunk } from './validate-chunk.js';

export interface OpenAiSnapshotsOptions extends OpenAiAssemblerOptions {
  /** Accept a stream that ended early: no TruncatedStreamError, the last snapshot stands. */
  lenient?: boolean;
}

/**
 * SSE messages (from `decodeSse()`) to typed, checked chunks; `[DONE]` is dropped. A message
 * that is not JSON or not a chunk fails with a ParseError naming its event number; an error
 * payload fails with a ProviderError.
 *
 * @example
 * ```ts
 * fromSource(response).pipe(decodeSse(), openAiChunks()).subscribe((chunk) => console.log(chunk.choices));
 * ```
 */
export function openAiChunks(): OperatorFunction<SseMessage, ChatCompletionChunk> {
  return (source) =>
    new Observable<ChatCompletionChunk>((subscriber) =>
      source.subscribe({
        next(message) {
          if (isDoneMessage(message)) return;
          let payload: unknown;
          try {
            payload = parseMessage(message);
            assertChatCompletionChunk(payload, { event: message.number });
          } catch (error) {
            subscriber.error(error);
            return;
          }
          subscriber.next(payload);
        },
        error: (error) => subscriber.error(error),
        complete: () => subscriber.complete(),
      }),
    );
}

/**
 * SSE messages or chunks to a snapshot of the `ChatCompletion` after each chunk. When the
 * source completes, the stream is checked: without `[DONE]` (chunks never carry it) every
 * choice needs its finish_reason, else a TruncatedStreamError carrying the partial object.
 * Every error carries the partial object in `partial`.
 *
 * @example
 * ```ts
 * fromSource(response)
 *   .pipe(decodeSse(), openAiSnapshots())
 *   .subscribe((completion) => render(completion.choices[0]?.message.content));
 * ```
 */
export function openAiSnapshots(options: OpenAiSnapshotsOptions = {}): OperatorFunction<SseMessage | ChatCompletionChunk, ChatCompletionSnapshot> {
  checkOptions('openAiSnapshots', options, ASSEMBLER_OPTIONS);
  const { lenient = false, ...assemblerOptions } = options;
  return assemblerSnapshots(
    () => createOpenAiAssembler(assemblerOptions) as Assembler<unknown, ChatCompletionSnapshot, unknown>,
    { lenient, endsAtComplete: TRANSPORTS[openAiProvider.transport].endsAtComplete },
    (item: SseMessage | ChatCompletionChunk): AssemblerInput => {
      if (!isSseMessage(item)) return { payload: item };
      return isDoneMessage(item) ? 'terminator' : { payload: parseMessage(item), position: { event: item.number } };
    },
  );
}

function isSseMessage(item: SseMessage | ChatCompletionChunk): item is SseMessage {
  return typeof item.data === 'string' && typeof (item as SseMessage).number === 'number';
}

function parseMessage(message: SseMessage): unknown {
  checkJsonDepth(message.data, { event: message.number });
  try {
    return JSON.parse(message.data);
  } catch (cause) {
    throw new ParseError('An SSE event is not valid JSON', { event: message.number, excerpt: excerptOf(message.data), cause });
  }
}
