/**
 * The one depth limit for JSON from the wire: a payload (SSE event data, NDJSON line, a whole
 * non-streamed body) nested deeper than this is refused where it is decoded, with a LimitError
 * that says where; the assemblers' incremental JSON parsers (partial tool-call arguments, partial
 * content, `tool_call.done`'s parsed arguments) stop at the same depth.
 *
 * Below it, every path of the core (assembling, snapshots, events, error messages) walks values
 * without recursion, so any depth up to the limit comes out whole. `JSON.parse` accepts any
 * nesting; `JSON.stringify` and other recursive walks in the caller's own code overflow the call
 * stack past a few thousand levels (`jsonText` in this folder does not). The limit bounds what a
 * hostile body can make every consumer downstream carry.
 */
import { LimitError, excerptOf } from '../errors.js';

export const MAX_JSON_DEPTH = 100_000;

/**
 * The offset of the bracket that opens level `max + 1` in the JSON text `text`, or -1 when it
 * nests no deeper than `max`. Only text long enough to nest that deep is scanned (a level takes
 * two characters), so the per-event cost is one comparison; strings are skipped with indexOf.
 */
export function tooDeepAt(text: string, max = MAX_JSON_DEPTH): number {
  if (text.length <= 2 * max) return -1;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      i = endOfString(text, i);
      if (i < 0) return -1;
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > max) return i;
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
  }
  return -1;
}

/** The offset of the quote that closes the string opened at `from`, or -1 when none does. */
function endOfString(text: string, from: number): number {
  for (let at = text.indexOf('"', from + 1); at !== -1; at = text.indexOf('"', at + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(at - 1 - backslashes) === 92 /* \ */) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
  return -1;
}

/** The LimitError for a payload nested deeper than the limit; `at` is the offending bracket's offset in `text`. */
export function depthLimitError(text: string, at: number, position: { line?: number; event?: number; offset?: number } = {}): LimitError {
  return new LimitError('maxDepth', MAX_JSON_DEPTH, `The JSON is nested deeper than ${MAX_JSON_DEPTH} levels (character ${at})`, {
    ...position,
    excerpt: excerptOf(text.slice(Math.max(0, at - 40), at + 40)),
  });
}

/** Throws the depth LimitError when `text` nests deeper than the limit. */
export function checkJsonDepth(text: string, position?: { line?: number; event?: number; offset?: number }): void {
  const at = tooDeepAt(text);
  if (at !== -1) throw depthLimitError(text, at, position);
}

/** JSON.parse for text from the wire (tool-call arguments): past the depth limit, the LimitError is thrown instead. */
export function parseJsonWithinDepth(text: string): unknown {
  checkJsonDepth(text);
  return JSON.parse(text);
}

/** The options of the assemblers' incremental JSON parsers: the same depth limit. */
export const PAYLOAD_JSON_OPTIONS = { maxDepth: MAX_JSON_DEPTH } as const;
