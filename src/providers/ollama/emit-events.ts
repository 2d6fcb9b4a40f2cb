/**
 * The typed events of one applied Ollama line, with the same names and payloads as the OpenAI
 * side so that UI code serves both:
 * - `chunk`, then `reasoning.delta` (`field: 'thinking'`) and `content.delta` for non-empty
 *   fragments; with partialContent, `content.partial` after each content fragment while the
 *   content parses as JSON (its `partial` is the parser's live value: read it during the event);
 * - per tool call, which Ollama sends whole: `tool_call.start`, one `tool_call.arguments.delta`
 *   whose delta is the JSON text of the arguments object, and `tool_call.done`;
 * - `logprobs.token` per entry (kind `content`, also for `/api/generate`'s `response`);
 * - on the `done: true` line: `reasoning.done` (if the model thought), `content.done`, `usage`
 *   (from the eval counts, when sent) and `finish` with `done_reason`.
 * `index` of the tool-call events is the call's position in the assembled `tool_calls` list.
 * Only called when somebody listens.
 */
import type { TokenLogprob } from '../../assembly/events.js';
import type { IncrementalJson } from '../../assembly/incremental-json.js';
import { jsonText } from '../../assembly/json-text.js';
import { normalizeUsage } from '../../assembly/usage.js';
import type { LineRecord } from './read-line.js';
import type { OllamaState } from './state.js';
import type { OllamaChunk, OllamaEvent, OllamaSnapshot } from './types.js';

export interface OllamaEventSink {
  emit: (event: OllamaEvent) => void;
  /** One bound function shared by every event. */
  snapshot: () => OllamaSnapshot;
  /** Parses the content as JSON for `content.partial` (partialContent option), else undefined. */
  json: IncrementalJson | undefined;
}

/** `toolCallsBefore` / `logprobsBefore`: the list lengths before the line was applied. */
export function emitLineEvents(
  sink: OllamaEventSink,
  s: OllamaState,
  r: LineRecord,
  chunk: OllamaChunk,
  toolCallsBefore: number,
  logprobsBefore: number,
): void {
  const { emit, snapshot } = sink;
  emit({ type: 'chunk', choice: 0, snapshot, chunk });
  // As in applyLine: top-level fields are /api/generate's until a line shows a chat stream.
  const generate = s.endpoint !== 'chat';
  const thinking = generate ? r.topThinking : r.thinking;
  if (thinking) emit({ type: 'reasoning.delta', choice: 0, snapshot, field: 'thinking', delta: thinking, reasoning: s.thinking });
  const text = generate ? r.response : r.content;
  if (text) emitContentDelta(sink, s, text);
  for (let index = toolCallsBefore; index < s.toolCalls.length; index++) {
    const call = s.toolCalls[index]!;
    const { name, arguments: parsed } = call.function;
    const text = jsonText(parsed);
    emit({ type: 'tool_call.start', choice: 0, snapshot, index, id: call.id, name, kind: 'function' });
    emit({ type: 'tool_call.arguments.delta', choice: 0, snapshot, index, kind: 'function', delta: text, arguments: text, partial: parsed });
    emit({ type: 'tool_call.done', choice: 0, snapshot, index, kind: 'function', id: call.id, name, arguments: text, parsed });
  }
  const tokens = r.logprobs;
  if (tokens !== undefined) {
    for (let i = 0; i < tokens.length; i++) {
      // Ollama omits `bytes` when empty, where the shared type has `bytes: null`.
      const token = tokens[i] as TokenLogprob;
      emit({ type: 'logprobs.token', choice: 0, snapshot, kind: 'content', token, position: logprobsBefore + i });
    }
  }
  if (r.done) emitDone(sink, s);
}

/** The events of a line that only brought text (common-line.ts): `chunk`, then `content.delta` unless the fragment is empty. */
export function emitTextLineEvents(sink: OllamaEventSink, s: OllamaState, chunk: OllamaChunk, text: string): void {
  sink.emit({ type: 'chunk', choice: 0, snapshot: sink.snapshot, chunk });
  if (text !== '') emitContentDelta(sink, s, text);
}

function emitContentDelta(sink: OllamaEventSink, s: OllamaState, text: string): void {
  sink.emit({ type: 'content.delta', choice: 0, snapshot: sink.snapshot, delta: text, content: s.text });
  if (sink.json !== undefined) emitPartialContent(sink, sink.json, text);
}

function emitPartialContent(sink: OllamaEventSink, json: IncrementalJson, fragment: string): void {
  json.feed(fragment);
  if (json.error !== undefined) return;
  sink.emit({ type: 'content.partial', choice: 0, snapshot: sink.snapshot, partial: json.partial(), openPath: json.openPath() });
}

function emitDone(sink: OllamaEventSink, s: OllamaState): void {
  const { emit, snapshot } = sink;
  if (s.thinking !== '') emit({ type: 'reasoning.done', choice: 0, snapshot, field: 'thinking', reasoning: s.thinking });
  emit({ type: 'content.done', choice: 0, snapshot, content: s.text });
  const prompt = s.metrics.prompt_eval_count;
  const completion = s.metrics.eval_count;
  if (prompt !== undefined || completion !== undefined) {
    const usage = { prompt_tokens: prompt ?? 0, completion_tokens: completion ?? 0, total_tokens: (prompt ?? 0) + (completion ?? 0) };
    // Ollama reports cached prompt tokens (`prompt_eval_cached_count`) among its other fields, when it does.
    const cached = s.fields?.prompt_eval_cached_count;
    emit({ type: 'usage', choice: 0, snapshot, usage, normalized: normalizeUsage(usage, { prompt_eval_cached_count: cached }) });
  }
  emit({ type: 'finish', choice: 0, snapshot, reason: s.doneReason ?? null });
}
