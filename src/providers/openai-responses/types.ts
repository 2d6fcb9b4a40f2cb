/**
 * The OpenAI Responses API objects (`POST /v1/responses`), as far as the assembler reads them.
 * Every object keeps the fields it was sent with: servers add their own, and item types not yet
 * invented must come through whole, so each type has a string index signature.
 */
import type { TokenLogprob } from '../../assembly/events.js';

/** One output item: `message`, `reasoning`, `function_call`, `custom_tool_call`, `web_search_call`, ... */
export interface ResponseItem {
  type: string;
  id?: string;
  status?: string;
  [key: string]: unknown;
}

/** A content part of a `message` (`output_text`, `refusal`) or of a `reasoning` item (`reasoning_text`). */
export interface ResponseContentPart {
  type: string;
  text?: string;
  refusal?: string;
  annotations?: unknown[];
  logprobs?: TokenLogprob[];
  [key: string]: unknown;
}

export interface ResponseUsage {
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  [key: string]: unknown;
}

/** The `Response` object: what `stream: false` returns, and what the terminal event carries. */
export interface Response {
  id: string;
  object: 'response' | string;
  created_at?: number;
  status?: 'completed' | 'incomplete' | 'failed' | 'in_progress' | 'queued' | 'cancelled' | string;
  error?: { code?: string | null; message?: string; [key: string]: unknown } | null;
  incomplete_details?: { reason?: string; [key: string]: unknown } | null;
  model?: string;
  output: ResponseItem[];
  usage?: ResponseUsage | null;
  [key: string]: unknown;
}

/** One event of the stream: its `type` names it (the SSE `event:` line, when sent, says the same). */
export interface ResponseStreamEvent {
  type: string;
  sequence_number?: number;
  output_index?: number;
  content_index?: number;
  summary_index?: number;
  item_id?: string;
  [key: string]: unknown;
}

/** A problem with the events' `sequence_number`s: a number skipped, sent again, or smaller than one before it. */
export interface SequenceDiagnostic {
  kind: 'gap' | 'repeat' | 'reorder';
  /** 1-based position of the event in the stream (events the assembler was given). */
  event: number;
  /** The number that was expected next. */
  expected: number;
  /** The number that came. */
  received: number;
  message: string;
}
