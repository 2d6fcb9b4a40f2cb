/**
 * Ollama's native streaming API, `/api/chat` and `/api/generate`: the NDJSON lines it sends
 * (chunks) and the object chunkwise assembles from them, shaped like Ollama's own
 * `"stream": false` reply. Field names are Ollama's (snake_case). Interfaces only.
 */
import type { StreamEvent } from '../../assembly/events.js';

/** One token's log probability as Ollama sends it (`bytes` and `top_logprobs` are omitted when empty). */
export interface OllamaTokenLogprob {
  token: string;
  logprob: number;
  bytes?: number[];
  [k: string]: unknown;
}

export interface OllamaLogprob extends OllamaTokenLogprob {
  top_logprobs?: OllamaTokenLogprob[];
}

/** A whole tool call: Ollama never splits one across lines, and `arguments` is already an object. */
export interface OllamaToolCall {
  /** Sent by newer Ollama versions only. */
  id?: string;
  function: {
    /** Position of the call among the response's calls (newer Ollama versions only). */
    index?: number;
    name: string;
    arguments: Record<string, unknown>;
    [k: string]: unknown;
  };
  [k: string]: unknown;
}

/** The duration (nanoseconds) and token-count fields of the final line. */
export interface OllamaMetrics {
  total_duration?: number;
  load_duration?: number;
  prompt_eval_count?: number;
  prompt_eval_duration?: number;
  eval_count?: number;
  eval_duration?: number;
}

/** The `message` of one `/api/chat` line: a fragment of the assistant message. */
export interface OllamaChatMessageChunk {
  role?: string;
  content?: string;
  thinking?: string;
  images?: string[] | null;
  tool_calls?: OllamaToolCall[];
  [k: string]: unknown;
}

/** One NDJSON line of `/api/chat`. */
export interface OllamaChatChunk extends OllamaMetrics {
  model?: string;
  created_at?: string;
  message?: OllamaChatMessageChunk;
  done: boolean;
  done_reason?: string;
  logprobs?: OllamaLogprob[];
  [k: string]: unknown;
}

/** One NDJSON line of `/api/generate`. */
export interface OllamaGenerateChunk extends OllamaMetrics {
  model?: string;
  created_at?: string;
  response?: string;
  thinking?: string;
  done: boolean;
  done_reason?: string;
  context?: number[];
  tool_calls?: OllamaToolCall[];
  logprobs?: OllamaLogprob[];
  [k: string]: unknown;
}

export type OllamaChunk = OllamaChatChunk | OllamaGenerateChunk;

/** The assembled assistant message of `/api/chat`. */
export interface OllamaChatMessage {
  role: string;
  /** Every `content` fragment, concatenated (`""` when none came). */
  content: string;
  /** Every `thinking` fragment, concatenated; absent when the model did not think. */
  thinking?: string;
  images?: string[] | null;
  /** Every tool call, in the order received; absent when there was none. */
  tool_calls?: OllamaToolCall[];
  [k: string]: unknown;
}

/**
 * The assembled `/api/chat` response. Keys come in the order Ollama writes them for
 * `"stream": false`: model, created_at, message, done and done_reason (in the final line's
 * order), logprobs, then the metrics; fields chunkwise does not know follow, in the order they
 * first arrived.
 */
export interface OllamaChatResponse extends OllamaMetrics {
  model: string;
  created_at: string;
  message: OllamaChatMessage;
  done_reason?: string;
  /** True once the `done: true` line arrived; false in snapshots and lenient partial results. */
  done: boolean;
  logprobs?: OllamaLogprob[];
  // Fields chunkwise does not know are kept but not typed (see ChatCompletion: so that `in` narrows).
}

/**
 * The assembled `/api/generate` response, keys in Ollama's order: model, created_at, response,
 * thinking, done and done_reason, context, the metrics, tool_calls, logprobs, then unknown fields.
 */
export interface OllamaGenerateResponse extends OllamaMetrics {
  model: string;
  created_at: string;
  /** Every `response` fragment, concatenated. */
  response: string;
  thinking?: string;
  done: boolean;
  done_reason?: string;
  context?: number[];
  tool_calls?: OllamaToolCall[];
  logprobs?: OllamaLogprob[];
  // Fields chunkwise does not know are kept but not typed (see ChatCompletion: so that `in` narrows).
}

export type OllamaResponse = OllamaChatResponse | OllamaGenerateResponse;

/** A snapshot has the final shape; it differs only in `done: false` and in what has not arrived yet. */
export type OllamaSnapshot = OllamaResponse;

/** Which endpoint a stream comes from, read off its first line that says. */
export type OllamaEndpoint = 'chat' | 'generate';

export type OllamaEvent = StreamEvent<OllamaSnapshot, OllamaChunk>;
