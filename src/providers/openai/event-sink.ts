/**
 * What the assembler's parts need to emit events. The assembler builds one sink when
 * `options.onEvent` is set and passes `undefined` otherwise, so the parts test one variable
 * and never build an event object nobody receives.
 */
import type { StreamEvent } from '../../assembly/events.js';
import type { ChatCompletionChunk, ChatCompletionSnapshot } from './types.js';

export type OpenAiEvent = StreamEvent<ChatCompletionSnapshot, ChatCompletionChunk>;

export interface EventSink {
  emit: (event: OpenAiEvent) => void;
  /** One bound function shared by every event (no closure per event). */
  snapshot: () => ChatCompletionSnapshot;
  /** Feed tool-call arguments to an incremental JSON parser (`tool_call.arguments.delta` `partial`). */
  partialArguments: boolean;
  /** Feed content to an incremental JSON parser and emit `content.partial`. */
  partialContent: boolean;
}
