/**
 * Merge rule 2 ("content as an array of parts"), for any provider. Some servers send
 * `delta.content` as typed parts (`{type: "text", text}`, `{type: "thinking", thinking: [parts]}`,
 * `image_url`, `reference` …), and may switch to plain string content later in the same stream.
 *
 * - A string is a text part; an empty one (or an empty text part) adds nothing.
 * - A part that carries text (a string text field, or a nested list of parts such as
 *   `thinking`) merges into the part before it when both have the same `type`: text fields
 *   concatenate, nested part lists merge by this same rule, label fields keep their first
 *   non-empty value, others take the later non-null value (`closed: true`).
 * - Any other part (an image, a reference) is appended as it came.
 * - The final `content` has the non-streamed shape: a string when every part is text, else the
 *   array of parts.
 */
import { isLabelField, isTextField } from './array-merge.js';
import { setOwnField } from './own-field.js';

type Part = Record<string, unknown>;

function isPart(value: unknown): value is Part {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether the part streams text: a string text field or a nested list of parts (objects with a `type`, as `thinking` holds). */
function carriesText(part: Part): boolean {
  for (const key in part) {
    const value = part[key];
    if ((typeof value === 'string' && isTextField(key)) || (Array.isArray(value) && value.length > 0 && value.every((v) => isPart(v) && typeof v.type === 'string'))) return true;
  }
  return false;
}

function canMerge(before: Part | undefined, part: Part): before is Part {
  return before !== undefined && typeof part.type === 'string' && before.type === part.type && carriesText(before) && carriesText(part);
}

/** `before` with `part` merged in, as a new object (snapshots may share `before`). */
function mergePart(before: Part, part: Part): Part {
  const out: Part = {};
  for (const key in before) setOwnField(out, key, before[key]);
  for (const key in part) {
    const value = part[key];
    if (value === undefined || value === null) continue;
    const held = Object.hasOwn(out, key) ? out[key] : undefined;
    if (isLabelField(key)) {
      if (held === undefined || held === null || held === '') setOwnField(out, key, value);
    } else if (typeof value === 'string' && typeof held === 'string' && isTextField(key)) {
      setOwnField(out, key, held + value);
    } else if (Array.isArray(value) && Array.isArray(held)) {
      setOwnField(out, key, appendParts(held, value));
    } else {
      setOwnField(out, key, value);
    }
  }
  return out;
}

/** A new list: `list` followed by `parts`, each merged into the one before it where the rule says so. */
export function appendParts(list: readonly unknown[], parts: readonly unknown[]): unknown[] {
  const out = list.slice();
  for (let i = 0; i < parts.length; i++) pushPart(out, parts[i]);
  return out;
}

function pushPart(list: unknown[], value: unknown): void {
  const part = typeof value === 'string' ? { type: 'text', text: value } : value;
  if (!isPart(part)) {
    list.push(part);
    return;
  }
  // An empty text part adds nothing (the non-streamed content has none).
  if (part.type === 'text' && part.text === '') return;
  const last = list.length > 0 ? list[list.length - 1] : undefined;
  if (isPart(last) && canMerge(last, part)) list[list.length - 1] = mergePart(last, part);
  else list.push(part);
}

/** The accumulated content of one message, once a part list arrived. */
export class ContentParts {
  private parts: unknown[] = [];
  private text = '';

  /** Adds a string (a text part) or a delta's list of parts. */
  add(value: string | readonly unknown[]): void {
    if (typeof value === 'string') {
      if (value === '') return;
      pushPart(this.parts, value);
      this.text += value;
      return;
    }
    for (let i = 0; i < value.length; i++) {
      const part = value[i];
      pushPart(this.parts, part);
      const text = textOf(part);
      if (text !== undefined) this.text += text;
    }
  }

  /** The text of the text parts so far. */
  get textSoFar(): string {
    return this.text;
  }

  /**
   * The message's `content`, with `trailing` text after the parts: the text when every part is
   * text (`null` when there is none), else a fresh array of the parts.
   */
  value(trailing = ''): string | unknown[] | null {
    let parts = this.parts;
    if (trailing !== '') {
      parts = parts.slice();
      pushPart(parts, trailing);
    }
    let allText = true;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i];
      if (!isPart(part) || part.type !== 'text') {
        allText = false;
        break;
      }
    }
    if (allText) return this.text + trailing === '' ? null : this.text + trailing;
    return parts === this.parts ? parts.slice() : parts;
  }
}

/** The text a part adds to the message's text: that of a `text` part; undefined for others. */
export function textOf(part: unknown): string | undefined {
  if (typeof part === 'string') return part;
  if (isPart(part) && part.type === 'text' && typeof part.text === 'string') return part.text;
  return undefined;
}
