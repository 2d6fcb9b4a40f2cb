/**
 * The output items of a Responses stream, built from their events: `output_item.added` opens an
 * item (its payload is the item so far), content parts and summary parts are opened and filled
 * by their own events, `output_item.done` brings the whole item, which then stands as sent.
 *
 * Items are keyed by `output_index` only: some servers change an item's id between its events.
 * Text grows through growing-text (no O(N²) concatenation), logprob tokens go to a compact store.
 *
 * Field deltas of item types this file does not name follow the documented naming scheme:
 * `response.<item type>_<field>.delta` appends to `<field>` and the matching `.done` carries the
 * whole `<field>` (`function_call_arguments`, `custom_tool_call_input`, `mcp_call_arguments`,
 * `code_interpreter_call_code`, ...), and `response.<item type>.<status>` sets the item's status
 * (`web_search_call.searching`, `image_generation_call.generating`, ...). So an item type invented
 * after this was written is still assembled from its events.
 */
import { appendText, createTextGrowth, type TextGrowth } from '../../assembly/growing-text.js';
import { createLogprobStore, defineLogprobList, type LogprobStore } from '../../assembly/logprob-store.js';
import type { TokenLogprob } from '../../assembly/events.js';
import { setOwnField } from '../../assembly/own-field.js';
import type { ResponseContentPart, ResponseItem } from './types.js';

/** A content part or a reasoning summary part while it fills. */
export interface PartState {
  /** The part as opened (`content_part.added`), or the whole part once `*.done` brought it. */
  base: ResponseContentPart;
  /** The text field the deltas fill: `text` (output_text, reasoning_text, summary_text) or `refusal`. */
  field: 'text' | 'refusal';
  text: string;
  growth: TextGrowth;
  logprobs: LogprobStore<TokenLogprob> | undefined;
  /** Annotations by `annotation_index` (sparse until all arrived). */
  annotations: unknown[] | undefined;
  /** `content_part.done` / `reasoning_summary_part.done` arrived: `base` is the whole part. */
  done: boolean;
}

/** A string field of an item filled by `<type>_<field>.delta` events (function arguments, custom tool input, code). */
export interface FieldState {
  text: string;
  growth: TextGrowth;
}

export interface ItemState {
  index: number;
  /** The item as opened, or the whole item once `output_item.done` brought it. */
  base: ResponseItem;
  type: string;
  status: string | undefined;
  content: PartState[] | undefined;
  summary: PartState[] | undefined;
  /** Fields filled by delta events, by field name. */
  fields: Map<string, FieldState> | undefined;
  /** `output_item.done` arrived. */
  done: boolean;
  /** Tool calls: `tool_call.start` was emitted. */
  started: boolean;
  /** Tool calls: `tool_call.done` was emitted (at `output_item.done`, or at the terminal event for an item that had none). */
  finished: boolean;
}

export function createItem(index: number, item: ResponseItem): ItemState {
  return {
    index,
    base: item,
    type: typeof item.type === 'string' ? item.type : '',
    status: undefined,
    content: undefined,
    summary: undefined,
    fields: undefined,
    done: false,
    started: false,
    finished: false,
  };
}

/** The text field a part of `type` is filled through. */
export function textFieldOf(type: unknown): 'text' | 'refusal' {
  return type === 'refusal' ? 'refusal' : 'text';
}

export function createPart(part: ResponseContentPart, field: 'text' | 'refusal'): PartState {
  const initial = part[field];
  const text = typeof initial === 'string' ? initial : '';
  return { base: part, field, text, growth: createTextGrowth(text), logprobs: undefined, annotations: undefined, done: false };
}

/** The part at `index` of `list`, created (as `{type}` with empty text) when a delta comes before its `added` event. */
export function partAt(list: PartState[], index: number, type: string): PartState {
  let part = list[index];
  if (part === undefined) {
    part = createPart({ type, [textFieldOf(type)]: '' } as ResponseContentPart, textFieldOf(type));
    list[index] = part;
  }
  return part;
}

export function appendPartText(part: PartState, delta: string): void {
  part.text = appendText(part.growth, delta);
}

export function appendLogprobs(part: PartState, tokens: readonly TokenLogprob[]): void {
  const store = (part.logprobs ??= createLogprobStore<TokenLogprob>());
  for (let i = 0; i < tokens.length; i++) store.push(tokens[i]!);
}

export function fieldOf(item: ItemState, name: string): FieldState {
  const fields = (item.fields ??= new Map());
  let field = fields.get(name);
  if (field === undefined) {
    const initial = item.base[name];
    const text = typeof initial === 'string' ? initial : '';
    field = { text, growth: createTextGrowth(text) };
    fields.set(name, field);
  }
  return field;
}

/** The part as the final object has it: the opened part with its text, logprobs and annotations so far. */
export function partSnapshot(part: PartState, final: boolean): ResponseContentPart {
  if (part.done) return part.base;
  const out = {} as ResponseContentPart;
  const base = part.base;
  for (const key in base) setOwnField(out, key, base[key]);
  out[part.field] = part.text;
  if (part.annotations !== undefined) out.annotations = part.annotations.filter(() => true);
  if (part.logprobs !== undefined) defineLogprobList(out, 'logprobs', part.logprobs as LogprobStore<unknown>, final);
  return out;
}

function partList(parts: PartState[], final: boolean): ResponseContentPart[] {
  const out: ResponseContentPart[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (part !== undefined) out.push(partSnapshot(part, final));
  }
  return out;
}

/**
 * The item as the final object has it: the whole item once `output_item.done` brought it; before
 * that, the opened item with what its events filled in (status stays as opened, `in_progress`,
 * unless a progress event changed it).
 */
export function itemSnapshot(item: ItemState, final: boolean): ResponseItem {
  if (item.done) return item.base;
  const out = {} as ResponseItem;
  const base = item.base;
  for (const key in base) setOwnField(out, key, base[key]);
  if (item.status !== undefined) out.status = item.status;
  if (item.content !== undefined) out.content = partList(item.content, final);
  if (item.summary !== undefined) out.summary = partList(item.summary, final);
  if (item.fields !== undefined) for (const [name, field] of item.fields) setOwnField(out, name, field.text);
  return out;
}
