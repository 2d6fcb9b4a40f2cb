/** How {@link smoothText} cuts text: per character (code point) or per word. */
export type TextUnit = 'char' | 'word';

// A word: the whitespace before it and its non-space run, complete once whitespace follows.
const WORD = /\s*\S+(?=\s)/y;
// At the end nothing follows, so the run is complete as it is.
const LAST_WORD = /\s*\S+/y;
const ONLY_SPACE_LEFT = /\s*$/y;

/**
 * Where the unit of `text` that starts at `from` ends, or -1 when no complete unit is there
 * yet (more text may still extend it). With `final` (no more text coming) every non-empty
 * rest yields a unit. Pure; `smoothText` calls it per emission.
 *
 * - `char`: one code point (a surrogate pair is never cut; a lone high surrogate at the end waits).
 * - `word`: leading whitespace plus a word; it waits for the whitespace after the word.
 *   Whitespace at the very end waits for the next word (or joins the last unit when `final`).
 *
 * @example
 * ```ts
 * nextUnitEnd('Hello wor', 0, 'word', false); // 5 ('Hello')
 * nextUnitEnd('Hello wor', 5, 'word', false); // -1 (' wor' may go on)
 * nextUnitEnd('Hello wor', 5, 'word', true); // 9
 * ```
 */
export function nextUnitEnd(text: string, from: number, unit: TextUnit, final: boolean): number {
  if (from >= text.length) return -1;
  if (unit === 'char') {
    const code = text.charCodeAt(from);
    if (code < 0xd800 || code > 0xdbff) return from + 1;
    if (from + 1 === text.length) return final ? from + 1 : -1;
    const low = text.charCodeAt(from + 1);
    return low >= 0xdc00 && low <= 0xdfff ? from + 2 : from + 1;
  }
  const pattern = final ? LAST_WORD : WORD;
  pattern.lastIndex = from;
  if (pattern.test(text)) {
    // Whitespace left at the end after the last word joins that word.
    const end = pattern.lastIndex;
    ONLY_SPACE_LEFT.lastIndex = end;
    return final && ONLY_SPACE_LEFT.test(text) ? text.length : end;
  }
  return final ? text.length : -1;
}
