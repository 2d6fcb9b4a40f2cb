/**
 * The OpenAI chat-completions wire types: what a stream sends (`ChatCompletionChunk`) and what
 * the assembler builds from it (`ChatCompletion`, the object `stream: false` returns). Servers
 * add fields of their own (Groq `x_groq`, OpenRouter `provider`, DeepSeek `reasoning_content`),
 * so every object has an index signature and unknown fields are kept.
 */
import type { TokenLogprob, UsageInfo } from '../../assembly/events.js';

export type { TokenLogprob, UsageInfo };

/** One fragment of a tool call inside `choices[].delta.tool_calls`. */
export interface ChunkToolCall {
  /** Position of the call in the message; some servers leave it out (see tool-calls.ts). */
  index?: number;
  id?: string | null;
  type?: string | null;
  function?: { name?: string | null; arguments?: string | null; [k: string]: unknown } | null;
  [k: string]: unknown;
}

/** What one chunk adds to a choice's message. */
export interface ChunkDelta {
  role?: string | null;
  /** A string, or (some servers, rule 2) an array of typed parts. */
  content?: string | ContentPart[] | null;
  refusal?: string | null;
  tool_calls?: ChunkToolCall[] | null;
  /** Legacy (pre-tools) function calling. */
  function_call?: { name?: string | null; arguments?: string | null } | null;
  /** DeepSeek, vLLM, OpenRouter, Groq: reasoning text under one of these names. */
  reasoning_content?: string | null;
  reasoning?: string | null;
  [k: string]: unknown;
}

export interface ChunkLogprobs {
  content?: TokenLogprob[] | null;
  refusal?: TokenLogprob[] | null;
  [k: string]: unknown;
}

export interface ChunkChoice {
  index: number;
  delta?: ChunkDelta | null;
  logprobs?: ChunkLogprobs | null;
  finish_reason?: string | null;
  [k: string]: unknown;
}

/** One parsed `data:` payload of a chat-completions stream. */
export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk' | (string & {});
  created: number;
  model: string;
  system_fingerprint?: string | null;
  service_tier?: string | null;
  choices: ChunkChoice[];
  /** Only on the last chunk when `stream_options.include_usage` is set; `null` before. */
  usage?: UsageInfo | null;
  /** Groq: `{ id }` on the first chunk, `{ id, usage }` on the last. */
  x_groq?: { id?: string; usage?: UsageInfo; [k: string]: unknown } | null;
  [k: string]: unknown;
}

export interface ChatCompletionToolCall {
  /** `""` when the server never sent an id (some OpenAI-compatible servers don't). */
  id: string;
  type: 'function' | 'custom' | (string & {});
  /** A function call's name and JSON arguments; absent on a custom tool call. */
  function?: { name: string; arguments: string };
  /** A custom tool call's name and free-text input (`type: "custom"`); absent on a function call. */
  custom?: { name: string; input: string };
  [k: string]: unknown;
}

export interface ChatCompletionFunctionCall {
  name: string;
  arguments: string;
}

export interface ChatCompletionMessage {
  role: 'assistant' | (string & {});
  /**
   * `null` when no non-empty content arrived. An array of parts only when the server sent content
   * as parts and some part is not text (Mistral's `thinking` parts); all-text parts are a string.
   */
  content: string | ContentPart[] | null;
  /** `null` when no non-empty refusal arrived. */
  refusal: string | null;
  /** Present only when a tool call arrived. */
  tool_calls?: ChatCompletionToolCall[];
  /** Legacy function calling; present only when a `function_call` delta arrived. */
  function_call?: ChatCompletionFunctionCall;
  /** Reasoning text, under the field name the server used (`reasoning_content`, `reasoning`, …). */
  [k: string]: unknown;
}

/** One part of content sent as an array (`{type: "text", text}`, `{type: "thinking", thinking: [...]}`, …). */
export interface ContentPart {
  type: string;
  [k: string]: unknown;
}

export interface ChatCompletionLogprobs {
  content: TokenLogprob[] | null;
  refusal: TokenLogprob[] | null;
  [k: string]: unknown;
}

export interface ChatCompletionChoice {
  index: number;
  message: ChatCompletionMessage;
  /** `null` when no chunk carried logprobs. */
  logprobs: ChatCompletionLogprobs | null;
  /** `null` when the stream ended (with `[DONE]`) before the choice got one. */
  finish_reason: string | null;
  [k: string]: unknown;
}

/** The assembled response: the shape `stream: false` returns. */
export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  /** Sorted by `index`. */
  choices: ChatCompletionChoice[];
  /** `null` when the server sent none. */
  system_fingerprint: string | null;
  service_tier?: string;
  /** Present only when a usage object arrived (top-level `usage`, else Groq's `x_groq.usage`). */
  usage?: UsageInfo;
  /** Groq's extra object, shallow-merged across chunks. */
  x_groq?: { id?: string; usage?: UsageInfo; [k: string]: unknown };
  // Other top-level fields a server sends (OpenRouter's `provider` …) are kept on the object but
  // not typed: no string index signature here, so that `'choices' in response` narrows the union
  // of the providers' final objects. Read one as `(response as { provider?: unknown }).provider`.
}

/** A snapshot has the final shape, so a partial object on an error looks like a final one. */
export type ChatCompletionSnapshot = ChatCompletion;
