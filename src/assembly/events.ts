/**
 * The typed events that every provider emits while it assembles a stream. The names are the
 * same for OpenAI/Groq and Ollama so that UI code written against them works for both.
 *
 * Every event says which choice it belongs to (`choice`; Ollama always 0) and can reach the
 * snapshot assembled so far through `snapshot()`, which builds it on demand (O(choices)), so
 * emitting events costs nothing when nobody looks.
 */
import type { ChunkwiseError } from '../errors.js';
import type { NormalizedUsage } from './usage.js';

export type { NormalizedUsage };

/** What kind of tool call: a function call (JSON arguments) or a custom tool call (free-text `input`). */
export type ToolCallKind = 'function' | 'custom';

/** One token's log probability, in the OpenAI shape (Ollama sends the same fields). */
export interface TokenLogprob {
  token: string;
  logprob: number;
  bytes: number[] | null;
  top_logprobs?: Array<{ token: string; logprob: number; bytes: number[] | null; [k: string]: unknown }>;
  [k: string]: unknown;
}

/** Token counts, normalised across providers (Ollama's eval counts map onto these names). */
export interface UsageInfo {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  [k: string]: unknown;
}

interface EventBase<S> {
  /** The choice (OpenAI `choices[].index`) the event belongs to; 0 for single-choice providers. */
  choice: number;
  /** The snapshot of the whole response as assembled so far. */
  snapshot: () => S;
}

/** `S`: the snapshot type, `C`: the chunk type, `F`: the final object's type (the `done` event's `response`). */
export type StreamEvent<S = unknown, C = unknown, F = unknown> =
  | (EventBase<S> & { type: 'chunk'; chunk: C })
  | (EventBase<S> & { type: 'content.delta'; delta: string; /** content so far */ content: string })
  | (EventBase<S> & { type: 'content.done'; content: string })
  /** Opt-in (`partialContent: true`): the partial value of JSON content (structured outputs). */
  | (EventBase<S> & { type: 'content.partial'; partial: unknown; /** path of the open value */ openPath: ReadonlyArray<string | number> })
  | (EventBase<S> & { type: 'refusal.delta'; delta: string; refusal: string })
  | (EventBase<S> & { type: 'refusal.done'; refusal: string })
  /** `field` is the name the server used: `reasoning_content`, `reasoning`, or Ollama's `thinking`. */
  | (EventBase<S> & { type: 'reasoning.delta'; field: string; delta: string; reasoning: string })
  | (EventBase<S> & { type: 'reasoning.done'; field: string; reasoning: string })
  | (EventBase<S> & { type: 'tool_call.start'; index: number; id: string | undefined; name: string; /** set by every provider of this package; optional for events built elsewhere */ kind?: ToolCallKind })
  | (EventBase<S> & {
      type: 'tool_call.arguments.delta';
      index: number;
      /** a custom call's `input` streams as its arguments */
      kind?: ToolCallKind;
      delta: string;
      /** raw argument text so far */
      arguments: string;
      /** the arguments parsed so far (incremental JSON), undefined until something parsed; a getter: parsed when read */
      partial: unknown;
    })
  | (EventBase<S> & {
      type: 'tool_call.done';
      index: number;
      /** for a custom call `parsed` is the input text */
      kind?: ToolCallKind;
      id: string | undefined;
      name: string;
      /** raw argument text (OpenAI) or its JSON text (Ollama) */
      arguments: string;
      /** the parsed arguments; undefined when they failed to parse */
      parsed: unknown;
      /** set when the arguments are not valid JSON; the stream goes on */
      error?: ChunkwiseError;
    })
  | (EventBase<S> & { type: 'logprobs.token'; kind: 'content' | 'refusal'; token: TokenLogprob; /** position in the list */ position: number })
  /** A citation (`url_citation`, `file_citation`, ...) added to the text of output item `index` (Responses API). */
  | (EventBase<S> & { type: 'annotation'; index: number; annotation: unknown })
  /** Something odd about the stream that did not stop it (Responses API `sequence_number` gaps, repeats, reordering). */
  | (EventBase<S> & { type: 'diagnostic'; kind: string; message: string; [key: string]: unknown })
  /** `usage` as the server sent it; `normalized`: the counts under one set of names, `null` where the server did not say (assembly/usage.ts). */
  | (EventBase<S> & { type: 'usage'; usage: UsageInfo; normalized?: NormalizedUsage })
  | (EventBase<S> & { type: 'finish'; reason: string | null })
  /** The last event of every stream: the final response object (choice is always 0). */
  | (EventBase<S> & { type: 'done'; response: F });

export type StreamEventType = StreamEvent['type'];

/** Narrow an event union by its `type`. */
export type EventOf<E extends { type: string }, T extends E['type']> = Extract<E, { type: T }>;
