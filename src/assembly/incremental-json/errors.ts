/** Error construction for the incremental JSON parser (cold path: runs once, when parsing fails). */
import { LimitError, ParseError, excerptOf } from '../../errors.js';

/** How many characters of context an error excerpt shows before and after the offending one. */
const CONTEXT = 40;

/**
 * `'x'` for a visible character; with its code point for invisible ones: `"\n" (U+000A)`,
 * `'\ufeff' (U+FEFF)` (controls, format characters, separators, lone surrogates).
 */
export function describeChar(text: string, offset: number): string {
  const cp = text.codePointAt(offset);
  if (cp === undefined) return 'end of input';
  const ch = String.fromCodePoint(cp);
  const code = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  if (cp < 0x20 || (cp >= 0xd800 && cp <= 0xdfff)) return `${JSON.stringify(ch)} (${code})`;
  if (cp !== 0x20 && /[\p{C}\p{Z}]/u.test(ch)) return `'${ch}' (${code})`;
  return `'${ch}'`;
}

/** UTF-8 byte offset of the UTF-16 offset `offset` in `text` (lone surrogates count 3, as U+FFFD). */
export function utf8Offset(text: string, offset: number): number {
  let bytes = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < end && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes + Math.max(0, offset - end);
}

/**
 * A ParseError for `text` at character `offset`: the message names the character offset and the
 * offending character (or the end of input); `error.offset` is the UTF-8 byte offset (as for every
 * ChunkwiseError) and `error.excerpt` the text around the problem.
 */
export function jsonSyntaxError(text: string, offset: number, expected: string): ParseError {
  const what = offset >= text.length ? 'unexpected end of input' : `unexpected ${describeChar(text, offset)}`;
  return new ParseError(`Invalid JSON: ${what} at character ${offset}, ${expected}`, {
    offset: utf8Offset(text, offset),
    excerpt: excerptOf(text.slice(Math.max(0, offset - CONTEXT), offset + CONTEXT), 2 * CONTEXT + 1),
  });
}

export function jsonEmptyError(text: string): ParseError {
  return new ParseError('Invalid JSON: no JSON value (the input is empty or only whitespace)', {
    offset: utf8Offset(text, text.length),
    excerpt: excerptOf(text.slice(-CONTEXT)),
  });
}

export function jsonDepthError(text: string, offset: number, maxDepth: number): LimitError {
  return new LimitError('maxDepth', maxDepth, `JSON nesting deeper than maxDepth ${maxDepth} at character ${offset}`, {
    offset: utf8Offset(text, offset),
    excerpt: excerptOf(text.slice(Math.max(0, offset - CONTEXT), offset + CONTEXT), 2 * CONTEXT + 1),
  });
}
