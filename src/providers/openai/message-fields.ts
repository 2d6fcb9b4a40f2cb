/**
 * The delta fields the OpenAI API does not define, which servers add: DeepSeek's and vLLM's
 * `reasoning_content`, Groq's and OpenRouter's `reasoning`, and whatever comes next. The rule:
 *
 * - a string value of a known text field ({@link REASONING_FIELDS}) is concatenated to what the
 *   field holds (reasoning text streams like content), and the field appears on the message
 *   once a string arrived, even `""`;
 * - an unknown string field (merge rule 4) that every chunk repeats with the same value is a
 *   label (`channel: "analysis"`) and is kept once; as soon as one fragment differs, the field
 *   is the concatenation of every fragment, as for text (so a text whose fragments are all the
 *   same string is the one case read as a label);
 * - an array accumulates (merge rule 1, assembly/array-merge.ts): `annotations`,
 *   `reasoning_details`, `executed_tools`, `images`, `token_ids` …;
 * - any other non-null value replaces what the field holds (last non-null value wins);
 * - `null` is "not sent" and changes nothing;
 * - `audio` (OpenAI audio output) merges as an indexed entry does: `data` and `transcript`
 *   concatenate, `id` and `format` are set once, its other fields keep their last non-null value.
 *
 * Fields named in {@link REASONING_FIELDS} also emit `reasoning.delta` / `reasoning.done`.
 */
import { ArrayMerge, copyKeptFields, mergeEntry } from '../../assembly/array-merge.js';
import { appendText, createTextGrowth, type TextGrowth } from '../../assembly/growing-text.js';
import { setOwnField } from '../../assembly/own-field.js';
import type { EventSink } from './event-sink.js';

/** Delta fields that carry reasoning text: they emit `reasoning.*` events with `field` = the name. */
export const REASONING_FIELDS: ReadonlySet<string> = new Set(['reasoning_content', 'reasoning', 'reasoning_text', 'thinking']);

/** Unknown message fields of one choice, by name: the values as assembled so far (an accumulated array as its ArrayMerge). */
export type MessageFields = Record<string, unknown>;

/** An unknown string field while every fragment has been `value` (`count` times); count 0: it is text. */
interface Repeats {
  value: string;
  count: number;
}

/** The rule-4 state of each field set, beside it (only unknown string fields have one). */
const REPEATS = new WeakMap<MessageFields, Map<string, Repeats>>();

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
  const previous = Object.hasOwn(fields, key) ? fields[key] : undefined;
  if (typeof value !== 'string') {
    growth.delete(key);
    REPEATS.get(fields)?.delete(key);
    if (Array.isArray(value)) {
      if (previous instanceof ArrayMerge) previous.add(value);
      else {
        const merge = new ArrayMerge();
        merge.add(value);
        setOwnField(fields, key, merge);
      }
      return;
    }
    const audio = key === 'audio' && typeof value === 'object' && typeof previous === 'object' && previous !== null && !(previous instanceof ArrayMerge);
    setOwnField(fields, key, audio ? mergeEntry(previous as Record<string, unknown>, value as Record<string, unknown>, false) : value);
    return;
  }
  if (!REASONING_FIELDS.has(key)) {
    let repeats = REPEATS.get(fields);
    if (repeats === undefined) REPEATS.set(fields, (repeats = new Map()));
    const seen = typeof previous === 'string' ? repeats.get(key) : undefined;
    if (seen === undefined) {
      repeats.set(key, { value, count: 1 });
      growth.delete(key);
      setOwnField(fields, key, value);
      return;
    }
    if (seen.count > 0) {
      if (value === seen.value) {
        seen.count++;
        return;
      }
      // Not a label after all: the field is every fragment so far.
      const text = seen.value.repeat(seen.count) + value;
      seen.count = 0;
      growth.set(key, createTextGrowth(text));
      setOwnField(fields, key, text);
      return;
    }
  }
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
  copyKeptFields(message, fields);
}
