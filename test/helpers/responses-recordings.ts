/**
 * Test helper: the Responses API recordings in recordings/responses/ (bodies of
 * `POST /v1/responses` with `stream: true`, provenance in that folder's README.md), with their
 * expected final objects, and a "prefix of" relation between Responses.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const RESPONSES_DIR = fileURLToPath(new URL('../../recordings/responses/', import.meta.url));

export interface ResponsesRecording {
  name: string;
  path: string;
  body: Uint8Array;
  /** The final Response, or `{ error, partial }` for a stream that fails. */
  expected: { error?: Record<string, unknown>; partial?: unknown; [key: string]: unknown };
  /** Written for this project from the documented format (not captured from a server). */
  constructed: boolean;
}

export function responsesRecordings(): ResponsesRecording[] {
  return readdirSync(RESPONSES_DIR)
    .filter((name) => name.endsWith('.sse') && existsSync(RESPONSES_DIR + name.replace(/\.sse$/, '.expected.json')))
    .sort()
    .map((file) => ({
      name: file.replace(/\.sse$/, ''),
      path: RESPONSES_DIR + file,
      body: new Uint8Array(readFileSync(RESPONSES_DIR + file)),
      expected: JSON.parse(readFileSync(RESPONSES_DIR + file.replace(/\.sse$/, '.expected.json'), 'utf8')),
      constructed: file.startsWith('constructed-'),
    }));
}

/** Byte offsets just after each SSE event of `body` (after its blank line). */
export function eventEnds(body: Uint8Array): number[] {
  const ends: number[] = [];
  for (let i = 1; i < body.length; i++) {
    if (body[i] === 10 && body[i - 1] === 10) ends.push(i + 1);
  }
  return ends;
}

/** The growing texts of an item, by a name that says where they sit. */
function textsOf(item: Record<string, unknown>): Map<string, string> {
  const out = new Map<string, string>();
  for (const key of ['content', 'summary'] as const) {
    const parts = item[key];
    if (!Array.isArray(parts)) continue;
    parts.forEach((part: Record<string, unknown>, i) => {
      for (const field of ['text', 'refusal'] as const) if (typeof part?.[field] === 'string') out.set(`${key}[${i}].${field}`, part[field] as string);
    });
  }
  for (const field of ['arguments', 'input', 'code']) if (typeof item[field] === 'string') out.set(field, item[field] as string);
  return out;
}

/**
 * Why `partial` is not a prefix of `full` (undefined when it is): no more items, each of the
 * same type, every text of each item the start of the same text in the full item.
 */
export function notPrefix(partial: { output?: unknown[] }, full: { output?: unknown[] }): string | undefined {
  const a = (partial.output ?? []) as Record<string, unknown>[];
  const b = (full.output ?? []) as Record<string, unknown>[];
  if (a.length > b.length) return `${a.length} items, the full response has ${b.length}`;
  for (let i = 0; i < a.length; i++) {
    if (a[i]!.type !== b[i]!.type) return `output[${i}] is a ${String(a[i]!.type)}, the full one a ${String(b[i]!.type)}`;
    const full = textsOf(b[i]!);
    for (const [where, text] of textsOf(a[i]!)) {
      const whole = full.get(where) ?? '';
      if (!whole.startsWith(text)) return `output[${i}].${where} ${JSON.stringify(text.slice(0, 60))} is not the start of ${JSON.stringify(whole.slice(0, 60))}`;
    }
  }
  return undefined;
}
