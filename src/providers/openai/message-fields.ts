/**
 * The delta fields the OpenAI API does not define, which servers add: DeepSeek's and vLLM's
 * `reasoning_content`, Groq's and OpenRouter's `reasoning`, and whatever comes next. The rule:
 *
 * - a string value is concatenated to what the field holds (reasoning text streams like
 *   content), and the field appears on the message once a string arrived, even `""`;
 * - any other non-null value replaces what the field holds (last non-null value wins);
 * - `null` is "not sent" and changes nothing;
 * - `audio` (OpenAI audio output) merges: `data` and `transcript` concatenate, its other
 *   fields keep their last non-null value.
 *
 * Fields named in {@link REASONING_FIELDS} also emit `reasoning.delta` / `reasoning.done`.
 */
import { appendText, createTextGrowth, type TextGrowth } from '../../assembly/growing-text.js';
import { setOwnField } from '../../assembly/own-field.js';
import type { EventSink } from './event-sink.js';

/** Delta fields that carry reasoning text: they emit `reasoning.*` events with `field` = the name. */
export const REASONING_FIELDS: ReadonlySet<string> = new Set(['reasoning_content', 'reasoning', 'reasoning_text', 'thinking']);

/** Unknown message fields of one choice, by name: the values as assembled so far. */
export type MessageFields = Record<string, unknown>;

/**
 * Applies one unknown delta field to `fields` by the rule above.
 *
 * @example
 * ```ts
 * const fields: MessageFields = {};
 * applyMessageField(fields, 'reasoning_content', 'The user', 0, undefined);
 * applyMessageField(fields, 'reasoning_content', ' asks', 0, undefined);
 * fields.reasoning_content; // 'The user asks'
 * ```
 */
export function applyMessageField(
  fields: MessageFields,
  key: string,
  value: unknown,
  choice: number,
  sink: EventSink | undefined,
  growth: Map<string, TextGrowth> = new Map(),
): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'string') {
    growth.delete(key);
    setOwnField(fields, key, key === 'audio' && typeof value === 'object' ? mergeAudio(fields.audio, value as Record<string, unknown>) : value);
    return;
  }
  const previous = Object.hasOwn(fields, key) ? fields[key] : undefined;
  let text = value;
  if (typeof previous === 'string') {
    // `growth` holds the key's text since it last became a string (see growing-text.ts).
    let g = growth.get(key);
    if (g === undefined) growth.set(key, (g = createTextGrowth(previous)));
    text = appendText(g, value);
  }
  setOwnField(fields, key, text);
  if (sink !== undefined && value !== '' && REASONING_FIELDS.has(key)) {
    sink.emit({ type: 'reasoning.delta', choice, snapshot: sink.snapshot, field: key, delta: value, reasoning: text });
  }
}

/** `reasoning.done` for every reasoning field that holds text. */
export function finishReasoning(fields: MessageFields, choice: number, sink: EventSink): void {
  for (const key in fields) {
    const value = fields[key];
    if (typeof value === 'string' && value !== '' && REASONING_FIELDS.has(key)) {
      sink.emit({ type: 'reasoning.done', choice, snapshot: sink.snapshot, field: key, reasoning: value });
    }
  }
}

/** Copies the fields onto a snapshot's message (values are shared, never changed in place). */
export function copyMessageFields(fields: MessageFields, message: Record<string, unknown>): void {
  for (const key in fields) setOwnField(message, key, fields[key]);
}

/** A new audio object (snapshots share the old one): strings `data`/`transcript` concatenated. */
function mergeAudio(previous: unknown, delta: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (typeof previous === 'object' && previous !== null) for (const key in previous) setOwnField(out, key, (previous as Record<string, unknown>)[key]);
  for (const key in delta) {
    const value = delta[key];
    if (value === undefined || value === null) continue;
    const before = out[key];
    setOwnField(out, key, (key === 'data' || key === 'transcript') && typeof value === 'string' && typeof before === 'string' ? before + value : value);
  }
  return out;
}
