/**
 * `choices[].logprobs` of a stream: each chunk carries the tokens of its own delta, which are
 * appended, in order, to one compact store per kind (`content`, `refusal`; see
 * logprob-store.ts). The stores belong to the assembler (a chunk's array is never kept) and
 * only grow, so a snapshot holds "the first n tokens" as a lazy property instead of a copy,
 * and the final object's lists are built on first read.
 *
 * A kind's list starts when a chunk sends an array for it (even `[]`); the final value of a
 * kind never sent is `null`, and `logprobs` is `null` when no chunk carried logprobs at all.
 * Other fields of `logprobs` (merge rule 9) are kept, after `content` and `refusal`: arrays
 * accumulate, other values keep their last non-null value. Unknown fields of a token entry are
 * kept by the store (it keeps such a token as it came).
 */
import { copyKeptFields, keepUnknownFieldsMerging } from '../../assembly/array-merge.js';
import { countKeys } from '../../assembly/count-keys.js';
import { createLogprobStore, defineLogprobList, type LogprobStore } from '../../assembly/logprob-store.js';
import type { TokenLogprob } from '../../assembly/events.js';
import type { EventSink } from './event-sink.js';
import type { ChatCompletionLogprobs, ChunkLogprobs } from './types.js';

export interface LogprobLists {
  content: LogprobStore<TokenLogprob> | null;
  refusal: LogprobStore<TokenLogprob> | null;
  /** Other fields of `logprobs`, created on first use. */
  extras?: Record<string, unknown> | undefined;
}

const KNOWN_IN_LOGPROBS: ReadonlySet<string> = new Set(['content', 'refusal']);

/**
 * Appends a chunk's logprob tokens to the lists, emitting one `logprobs.token` per token.
 *
 * @example
 * ```ts
 * const lists: LogprobLists = { content: null, refusal: null };
 * appendLogprobs(lists, { content: [{ token: 'Hi', logprob: -0.1, bytes: [72, 105] }] }, 0, undefined);
 * lists.content?.length; // 1
 * ```
 */
export function appendLogprobs(lists: LogprobLists, logprobs: ChunkLogprobs, choice: number, sink: EventSink | undefined): void {
  const content = logprobs.content;
  if (Array.isArray(content)) lists.content = appendTokens(lists.content, content, 'content', choice, sink);
  const refusal = logprobs.refusal;
  if (Array.isArray(refusal)) lists.refusal = appendTokens(lists.refusal, refusal, 'refusal', choice, sink);
  let known = 0;
  if (content !== undefined) known++;
  if (refusal !== undefined) known++;
  if (countKeys(logprobs) !== known) lists.extras = keepUnknownFieldsMerging(lists.extras, logprobs, KNOWN_IN_LOGPROBS);
}

function appendTokens(
  list: LogprobStore<TokenLogprob> | null,
  tokens: readonly TokenLogprob[],
  kind: 'content' | 'refusal',
  choice: number,
  sink: EventSink | undefined,
): LogprobStore<TokenLogprob> {
  const out = list ?? createLogprobStore<TokenLogprob>();
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    out.push(token);
    if (sink !== undefined) sink.emit({ type: 'logprobs.token', choice, snapshot: sink.snapshot, kind, token, position: out.length - 1 });
  }
  return out;
}

/**
 * The logprobs of a snapshot: `null` without lists; else each list's tokens so far, built on
 * first read (O(1) now, whatever the length of the list). `final` (the stream is over): the
 * final object's lists seal the stores, which let go of their compact storage as they build.
 */
export function logprobsSnapshot(lists: LogprobLists | undefined, final: boolean): ChatCompletionLogprobs | null {
  if (lists === undefined) return null;
  const out: ChatCompletionLogprobs = { content: null, refusal: null };
  if (lists.content !== null) defineLogprobList(out, 'content', lists.content, final);
  if (lists.refusal !== null) defineLogprobList(out, 'refusal', lists.refusal, final);
  if (lists.extras !== undefined) copyKeptFields(out as unknown as Record<string, unknown>, lists.extras);
  return out;
}
