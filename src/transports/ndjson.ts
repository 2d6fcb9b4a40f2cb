import { checkOptions } from '../assembly/check-options.js';
import { Observable, type OperatorFunction } from 'rxjs';
import { LimitError, ParseError, excerptOf, toChunkwiseError, type ChunkwiseError } from '../errors.js';
import { cutError } from '../assembly/end-of-body.js';
import { depthLimitError, tooDeepAt } from '../assembly/json-depth.js';
import type { ByteDecoder } from './byte-decoder.js';
import { providerErrorFrom } from './provider-error.js';
import { Utf8Carry, firstInvalidUtf8 } from './utf8.js';

export interface NdjsonDecoderOptions {
  /**
   * Largest line in bytes (everything before its LF, a CR included, a BOM too); past it, a
   * LimitError, and no more than this is ever buffered (plus the up to 3 bytes of a character
   * that is not complete yet: a character counts once it is). Default 64 MiB.
   */
  maxLineBytes?: number;
}

export interface NdjsonSink {
  /** One parsed line; `line` is 1-based. */
  value(value: unknown, line: number): void;
  error(error: ChunkwiseError): void;
  /**
   * Optional: the body ended inside its last line (no LF after it) and that line cannot be
   * decoded: it is not valid JSON, or it ends inside a UTF-8 character. `text` is what the line
   * holds (up to that character) and `error` the ParseError that `error` would get otherwise.
   * Lets the caller tell a cut stream (`text` is the start of a JSON value) from a bad line.
   * Nothing is decoded after it.
   */
  unterminated?(text: string, error: ParseError): void;
}

export type NdjsonDecoder = ByteDecoder;

export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;
const LF = 10;
const BOM = 0xfeff;
const encoder = new TextEncoder();

/**
 * A push decoder from bytes to NDJSON values, web-standard (the `ndjson` package needs Node
 * streams). Lines may be split anywhere, even inside a UTF-8 character; CRLF and blank lines
 * are accepted, and so is a last line without a newline.
 *
 * Hot path: each piece is decoded in one non-streaming TextDecoder call (the bytes of a
 * character cut at its end wait for the next piece) and split as a string; the unterminated
 * last line waits as text. Byte offsets are worked out only when a line fails, from the bytes
 * of the piece it is in. (Keeping that line as bytes instead would cost two byte-array
 * allocations and two decoder calls a piece, on every piece, for the rare failing line.)
 *
 * When one line has several problems, the first by position wins, however the body was cut:
 * invalid UTF-8 within its first `maxLineBytes` bytes, else the limit.
 */
// One piece: the decoder's state (the pending line, the carried bytes, the line count) lives in
// this closure's variables, which the per-piece hot path reads directly; its helpers share them.
export function createNdjsonDecoder(sink: NdjsonSink, options: NdjsonDecoderOptions = {}): NdjsonDecoder {
  checkOptions('createNdjsonDecoder', options, ['maxLineBytes']);
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  // ignoreBOM: each piece is decoded on its own, and only the body's first bytes may be a BOM.
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  /** The unterminated last line: its text, as fragments joined once its LF arrives (no O(N²) concatenation). */
  let pending: string[] = [];
  /** Bytes of the pending text (not counting `carry`). */
  let pendingBytes = 0;
  /** The (up to 3) bytes that began a character the last piece did not finish; part of the pending line. */
  const carry = new Utf8Carry();
  /** Byte offset of the pending line (= start of the next line). */
  let lineStart = 0;
  let lineNumber = 0;
  let bytes = 0;
  let stopped = false;

  const fail = (error: ChunkwiseError) => {
    stopped = true;
    pending = [];
    carry.held = undefined;
    sink.error(error);
  };

  /** Byte offset of line `index` of `region` (0: the line that continues the pending one); worked out only for a line that fails. */
  const lineOffset = (region: Uint8Array, regionStart: number, index: number) =>
    index === 0 ? lineStart : regionStart + byteOffsetOfLine(region, index);

  /**
   * Parses one line (without its LF) and passes its value on; false once decoding stopped.
   * `index`: the line's place in `region` (0: the line that continues the pending one, at `lineStart`).
   */
  const line = (text: string, region: Uint8Array, regionStart: number, index: number, last: boolean): boolean => {
    lineNumber++;
    if (text.charCodeAt(text.length - 1) === 13) text = text.slice(0, -1);
    if (lineNumber === 1) text = withoutBom(text);
    const value = parseLine(text);
    if (value === SKIP) return true;
    if (value === INVALID) {
      const offset = lineOffset(region, regionStart, index);
      const error = new ParseError(`Line ${lineNumber} is not valid JSON`, { line: lineNumber, offset, excerpt: excerptOf(text) });
      if (last && sink.unterminated) unterminated(text, error);
      else fail(error);
      return false;
    }
    if (typeof value === 'object' && value !== null && 'error' in value) {
      const providerError = providerErrorFrom(value, { line: lineNumber, offset: lineOffset(region, regionStart, index) });
      if (providerError) {
        fail(providerError);
        return false;
      }
    }
    // After the error check: a provider's error payload of any depth is still its ProviderError.
    const deep = tooDeepAt(text);
    if (deep !== -1) {
      fail(depthLimitError(text, deep, { line: lineNumber, offset: lineOffset(region, regionStart, index) }));
      return false;
    }
    sink.value(value, lineNumber);
    return !stopped;
  };

  /**
   * Emits the complete lines of `text`, the decoded `region` (which starts at byte `regionStart`
   * and holds at least one LF): the first continues the pending line; what follows the last LF
   * becomes the pending line.
   */
  const lines = (text: string, region: Uint8Array, regionStart: number) => {
    const lastLf = text.lastIndexOf('\n');
    let to = text.indexOf('\n');
    let first = text.slice(0, to);
    if (pending.length > 0) {
      first = pending.join('') + first;
      pending = [];
      if (pendingBytes + region.indexOf(LF) > maxLineBytes) {
        fail(tooLong(maxLineBytes, lineNumber + 1, lineStart));
        return;
      }
    } else if (tooManyBytes(first, maxLineBytes)) {
      fail(tooLong(maxLineBytes, lineNumber + 1, lineStart));
      return;
    }
    if (!line(first, region, regionStart, 0, false)) return;
    let index = 1;
    for (let from = to + 1; from <= lastLf; from = to + 1, index++) {
      to = text.indexOf('\n', from);
      const next = text.slice(from, to);
      if (tooManyBytes(next, maxLineBytes)) {
        fail(tooLong(maxLineBytes, lineNumber + 1, regionStart + byteOffsetOfLine(region, index)));
        return;
      }
      if (!line(next, region, regionStart, index, false)) return;
    }
    const lastLfByte = region.lastIndexOf(LF);
    lineStart = regionStart + lastLfByte + 1;
    pendingBytes = region.byteLength - lastLfByte - 1;
    if (lastLf + 1 < text.length) pending.push(text.slice(lastLf + 1));
  };

  const unterminated = (text: string, error: ParseError) => {
    stopped = true;
    pending = [];
    carry.held = undefined;
    sink.unterminated!(text, error);
  };

  /**
   * `region` (from byte `regionStart`) failed to decode: emits the lines before the one holding
   * the first invalid byte, then fails on that line (with the limit instead, when the line was
   * already longer than that before the byte).
   */
  const invalidUtf8 = (region: Uint8Array, regionStart: number, cause: unknown) => {
    const bad = Math.max(0, firstInvalidUtf8(region, true));
    const lf = bad === 0 ? -1 : region.lastIndexOf(LF, bad - 1);
    if (lf !== -1) {
      const before = region.subarray(0, lf + 1);
      lines(decoder.decode(before), before, regionStart);
      if (stopped) return;
    }
    const from = lf + 1;
    if (pendingBytes + bad - from >= maxLineBytes) {
      fail(tooLong(maxLineBytes, lineNumber + 1, lineStart));
      return;
    }
    // The excerpt ends at the bad byte: what follows it may not have arrived yet.
    const number = lineNumber + 1;
    const text = `${pending.join('')}${decoder.decode(region.subarray(from, bad))}\uFFFD`;
    fail(new ParseError(`Line ${number} is not valid UTF-8 (bad byte at offset ${regionStart + bad})`, { line: number, offset: lineStart, excerpt: excerptOf(number === 1 ? withoutBom(text) : text), cause }));
  };

  return {
    get bytes() {
      return bytes;
    },
    feed(input) {
      if (stopped) return;
      const piece = typeof input === 'string' ? encoder.encode(input) : input;
      const regionStart = bytes - carry.length;
      bytes += piece.byteLength;
      const region = carry.take(piece);
      if (region.byteLength === 0) return;
      let text: string;
      try {
        text = decoder.decode(region);
      } catch (cause) {
        carry.held = undefined;
        invalidUtf8(region, regionStart, cause);
        return;
      }
      if (region.indexOf(LF) === -1) {
        pendingBytes += region.byteLength;
        if (pendingBytes > maxLineBytes) {
          fail(tooLong(maxLineBytes, lineNumber + 1, lineStart));
          return;
        }
        if (text.length > 0) pending.push(text);
        return;
      }
      lines(text, region, regionStart);
      if (!stopped && pendingBytes > maxLineBytes) fail(tooLong(maxLineBytes, lineNumber + 1, lineStart));
    },
    end() {
      if (stopped) return;
      if (carry.held !== undefined) {
        // The body ended inside a UTF-8 character: it was cut there.
        const at = bytes - carry.length;
        let cause: unknown;
        try {
          decoder.decode(carry.held);
        } catch (error) {
          cause = error;
        }
        const number = lineNumber + 1;
        const joined = pending.join('');
        const text = number === 1 ? withoutBom(joined) : joined;
        if (sink.unterminated) {
          unterminated(text, new ParseError(`The stream ended inside a UTF-8 character on line ${number}`, { line: number, offset: at, excerpt: excerptOf(text) }));
        } else {
          fail(new ParseError(`Line ${number} is not valid UTF-8 (bad byte at offset ${at})`, { line: number, offset: lineStart, excerpt: excerptOf(`${text}\uFFFD`), cause }));
        }
        return;
      }
      if (pending.length > 0) {
        const text = pending.join('');
        pending = [];
        line(text, new Uint8Array(0), lineStart, 0, true);
      }
      stopped = true;
    },
  };
}

/** A BOM is dropped at the start of the body, that is of its first line (it still counts towards the line's bytes). */
function withoutBom(text: string): string {
  return text.charCodeAt(0) === BOM ? text.slice(1) : text;
}

/** Whether a line's UTF-8 is longer than `max` bytes (a UTF-16 unit takes at most 3: only long lines are measured). */
function tooManyBytes(text: string, max: number): boolean {
  return text.length * 3 > max && encoder.encode(text).byteLength > max;
}

/**
 * RxJS operator: bytes to parsed NDJSON values.
 *
 * @example
 * ```ts
 * fromSource(response).pipe(decodeNdjson()).subscribe((line) => console.log(line));
 * ```
 */
export function decodeNdjson(options: NdjsonDecoderOptions = {}): OperatorFunction<Uint8Array | string, unknown> {
  checkOptions('decodeNdjson', options, ['maxLineBytes']);
  return (source) =>
    new Observable<unknown>((subscriber) => {
      const decoder = createNdjsonDecoder(
        {
          value: (v) => subscriber.next(v),
          error: (e) => subscriber.error(e),
          // The end-of-body policy, as the pipeline applies it: a last line cut short is a truncation.
          unterminated: (text, e) => subscriber.error(cutError(e, text)),
        },
        options,
      );
      return source.subscribe({
        next: (piece) => decoder.feed(piece),
        error: (e) => subscriber.error(toChunkwiseError(e)),
        complete: () => {
          decoder.end();
          subscriber.complete();
        },
      });
    });
}

const SKIP = Symbol('blank line');
const INVALID = Symbol('invalid JSON');

function parseLine(line: string): unknown {
  const first = line.charCodeAt(0);
  // Fast path: a JSON object line (every Ollama line) needs no blank check.
  if (first !== 123) {
    if (line.trim() === '') return SKIP;
  }
  try {
    return JSON.parse(line);
  } catch {
    return INVALID;
  }
}

function byteOffsetOfLine(region: Uint8Array, index: number): number {
  let offset = 0;
  for (let i = 0; i < index; i++) {
    const next = region.indexOf(LF, offset);
    if (next === -1) return offset;
    offset = next + 1;
  }
  return offset;
}

function tooLong(max: number, line: number, offset: number): LimitError {
  return new LimitError('maxLineBytes', max, `An NDJSON line is longer than maxLineBytes (${max} bytes)`, { line, offset });
}
