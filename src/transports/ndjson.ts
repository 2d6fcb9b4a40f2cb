import { Observable, type OperatorFunction } from 'rxjs';
import { LimitError, ParseError, excerptOf, toChunkwiseError, type ChunkwiseError } from '../errors.js';
import type { ByteDecoder } from './byte-decoder.js';
import { providerErrorFrom } from './provider-error.js';
import { firstInvalidUtf8, incompleteUtf8Suffix } from './utf8.js';

export interface NdjsonDecoderOptions {
  /**
   * Largest line in bytes (everything before its LF, a CR included); past it, a LimitError, and
   * no more than this is ever buffered. Default 64 MiB.
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
 * Hot path: the newline search runs on bytes (native `lastIndexOf`), then all complete lines
 * of a piece are decoded with one TextDecoder call and split as a string. Byte offsets are
 * only worked out when a line fails, by scanning that piece's bytes again.
 */
export function createNdjsonDecoder(sink: NdjsonSink, options: NdjsonDecoderOptions = {}): NdjsonDecoder {
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  // ignoreBOM: each region is decoded on its own, and only the body's first byte may start a BOM.
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  /** Bytes of the unterminated last line, kept as fragments to avoid O(N²) concatenation. */
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  /** Byte offset of the first pending byte (= start of the next line). */
  let lineStart = 0;
  let lineNumber = 0;
  let stopped = false;

  const fail = (error: ChunkwiseError) => {
    stopped = true;
    pending = [];
    pendingBytes = 0;
    sink.error(error);
  };

  /**
   * Decodes `region` (whole lines, each ending in LF except possibly the last) and emits them.
   * `last`: the region is the body's unterminated last line (see `NdjsonSink.unterminated`).
   */
  const processRegion = (region: Uint8Array, regionStart: number, last = false) => {
    let text: string;
    try {
      text = decoder.decode(region);
    } catch (cause) {
      invalidUtf8(region, regionStart, cause);
      return;
    }
    let from = regionStart === 0 && text.charCodeAt(0) === BOM ? 1 : 0;
    let index = 0;
    while (from < text.length) {
      let to = text.indexOf('\n', from);
      if (to === -1) to = text.length;
      lineNumber++;
      // A UTF-16 unit takes at most 3 UTF-8 bytes: only long lines need measuring.
      if ((to - from) * 3 > maxLineBytes && encoder.encode(text.slice(from, to)).byteLength > maxLineBytes) {
        fail(tooLong(maxLineBytes, lineNumber, regionStart + byteOffsetOfLine(region, index)));
        return;
      }
      const line = text.charCodeAt(to - 1) === 13 ? text.slice(from, to - 1) : text.slice(from, to);
      from = to + 1;
      const value = parseLine(line);
      if (value !== SKIP) {
        if (value === INVALID) {
          const offset = regionStart + byteOffsetOfLine(region, index);
          const error = new ParseError(`Line ${lineNumber} is not valid JSON`, { line: lineNumber, offset, excerpt: excerptOf(line) });
          if (last && from >= text.length && sink.unterminated) unterminated(line, error);
          else fail(error);
          return;
        }
        if (typeof value === 'object' && value !== null && 'error' in value) {
          const providerError = providerErrorFrom(value, { line: lineNumber, offset: regionStart + byteOffsetOfLine(region, index) });
          if (providerError) {
            fail(providerError);
            return;
          }
        }
        sink.value(value, lineNumber);
        if (stopped) return;
      }
      index++;
    }
  };

  const unterminated = (text: string, error: ParseError) => {
    stopped = true;
    pending = [];
    pendingBytes = 0;
    sink.unterminated!(text, error);
  };

  /** Emits the lines before the first invalid byte, then fails on the line that holds it. */
  const invalidUtf8 = (region: Uint8Array, regionStart: number, cause: unknown) => {
    const bad = Math.max(0, firstInvalidUtf8(region, true));
    const start = bad === 0 ? 0 : region.lastIndexOf(LF, bad - 1) + 1;
    if (start > 0) processRegion(region.subarray(0, start), regionStart);
    if (stopped) return;
    const end = region.indexOf(LF, start);
    const excerpt = excerptOf(new TextDecoder().decode(region.subarray(start, end === -1 ? region.byteLength : end)));
    const line = lineNumber + 1;
    fail(new ParseError(`Line ${line} is not valid UTF-8 (bad byte at offset ${regionStart + bad})`, { line, offset: regionStart + start, excerpt, cause }));
  };

  let bytes = 0;
  return {
    get bytes() {
      return bytes;
    },
    feed(input) {
      if (stopped) return;
      const piece = typeof input === 'string' ? encoder.encode(input) : input;
      bytes += piece.byteLength;
      const lastLf = piece.lastIndexOf(LF);
      if (lastLf === -1) {
        if (pendingBytes + piece.byteLength > maxLineBytes) {
          fail(tooLong(maxLineBytes, lineNumber + 1, lineStart));
          return;
        }
        // Copy: the caller may reuse its buffer.
        pending.push(piece.slice());
        pendingBytes += piece.byteLength;
        return;
      }
      // The line that was pending ends at the piece's first LF: join only that line's bytes,
      // not the whole piece (copying every piece cost 3–7% on Ollama bodies).
      let head = piece.subarray(0, lastLf + 1);
      let joined: Uint8Array | undefined;
      if (pendingBytes > 0) {
        const firstLf = piece.indexOf(LF);
        joined = concat(pending, pendingBytes, piece.subarray(0, firstLf + 1));
        head = piece.subarray(firstLf + 1, lastLf + 1);
      }
      const regionStart = lineStart;
      lineStart += (joined?.byteLength ?? 0) + head.byteLength;
      pending = [];
      pendingBytes = 0;
      const tail = piece.subarray(lastLf + 1);
      const process = () => {
        if (joined !== undefined) processRegion(joined, regionStart);
        if (!stopped && head.byteLength > 0) processRegion(head, regionStart + (joined?.byteLength ?? 0));
      };
      if (tail.byteLength > maxLineBytes) {
        process();
        if (!stopped) fail(tooLong(maxLineBytes, lineNumber + 1, lineStart));
        return;
      }
      if (tail.byteLength > 0) {
        pending.push(tail.slice());
        pendingBytes = tail.byteLength;
      }
      process();
    },
    end() {
      if (stopped) return;
      if (pendingBytes > 0) {
        const region = concat(pending, pendingBytes, new Uint8Array(0));
        pending = [];
        pendingBytes = 0;
        // Valid UTF-8 up to a character that the body ends inside: the body was cut there.
        const held = sink.unterminated ? incompleteUtf8Suffix(region) : 0;
        if (held > 0 && firstInvalidUtf8(region, false) === -1) {
          let text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(region.subarray(0, region.byteLength - held));
          if (lineStart === 0 && text.charCodeAt(0) === BOM) text = text.slice(1);
          const line = lineNumber + 1;
          const offset = lineStart + region.byteLength - held;
          unterminated(text, new ParseError(`The stream ended inside a UTF-8 character on line ${line}`, { line, offset, excerpt: excerptOf(text) }));
          return;
        }
        processRegion(region, lineStart, true);
      }
      stopped = true;
    },
  };
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
  return (source) =>
    new Observable<unknown>((subscriber) => {
      const decoder = createNdjsonDecoder({ value: (v) => subscriber.next(v), error: (e) => subscriber.error(e) }, options);
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

function concat(parts: Uint8Array[], length: number, last: Uint8Array): Uint8Array {
  const out = new Uint8Array(length + last.byteLength);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  out.set(last, at);
  return out;
}

function tooLong(max: number, line: number, offset: number): LimitError {
  return new LimitError('maxLineBytes', max, `An NDJSON line is longer than maxLineBytes (${max} bytes)`, { line, offset });
}
