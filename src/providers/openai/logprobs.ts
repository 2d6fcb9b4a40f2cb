/**
 * `choices[].logprobs` of a stream: each chunk carries the tokens of its own delta, which are
 * appended, in order, to one list per kind (`content`, `refusal`). The lists belong to the
 * assembler (a chunk's array is never kept, so nothing is counted twice or overwritten) and
 * only grow, so a snapshot shares them through `definePrefixProperty` instead of copying.
 *
 * A kind's list starts when a chunk sends an array for it (even `[]`); the final value of a
 * kind never sent is `null`, and `logprobs` is `null` when no chunk carried logprobs at all.
 */
import { definePrefixProperty } from '../../assembly/lazy-prefix.js';
import type { TokenLogprob } from '../../assembly/events.js';
import type { EventSink } from './event-sink.js';
import type { ChatCompletionLogprobs, ChunkLogprobs } from './types.js';

export interface LogprobLists {
  content: TokenLogprob[] | null;
  refusal: TokenLogprob[] | null;
}

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
}

function appendTokens(
  list: TokenLogprob[] | null,
  tokens: readonly TokenLogprob[],
  kind: 'content' | 'refusal',
  choice: number,
  sink: EventSink | undefined,
): TokenLogprob[] {
  const out = list ?? [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    out.push(token);
    if (sink !== undefined) sink.emit({ type: 'logprobs.token', choice, snapshot: sink.snapshot, kind, token, position: out.length - 1 });
  }
  return out;
}

/**
 * The logprobs of a snapshot: `null` without lists; else the lists' current prefixes, read
 * lazily (O(1) now). `final` hands over the lists themselves (the stream is over).
 */
export function logprobsSnapshot(lists: LogprobLists | undefined, final: boolean): ChatCompletionLogprobs | null {
  if (lists === undefined) return null;
  if (final) return { content: lists.content, refusal: lists.refusal };
  const out: ChatCompletionLogprobs = { content: null, refusal: null };
  if (lists.content !== null) definePrefixProperty(out, 'content', lists.content, lists.content.length);
  if (lists.refusal !== null) definePrefixProperty(out, 'refusal', lists.refusal, lists.refusal.length);
  return out;
}
