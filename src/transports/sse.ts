import { checkOptions } from '../assembly/check-options.js';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { Observable, type OperatorFunction } from 'rxjs';
import { LimitError, ParseError, ProviderError, excerptOf, toChunkwiseError, type ChunkwiseError } from '../errors.js';
import { cutError } from '../assembly/end-of-body.js';
import { unexpected } from '../assembly/unexpected-error.js';
import type { ByteDecoder } from './byte-decoder.js';
import { looksLikeErrorPayload, providerErrorFrom } from './provider-error.js';
import { Utf8Carry, firstInvalidUtf8 } from './utf8.js';

/** One Server-Sent Event, as the server framed it. */
export interface SseMessage {
  /** `event:` field; undefined for plain `data:` messages. */
  event: string | undefined;
  data: string;
  id: string | undefined;
  /** 1-based number of this event in the stream (for error messages). */
  number: number;
}

export interface SseDecoderOptions {
  /**
   * Largest event `data` and largest line, in characters; past it, a LimitError, as soon as
   * the decoder would have to hold more than this. Default 64 MiB.
   */
  maxEventSize?: number;
}

export interface SseSink {
  message(message: SseMessage): void;
  /** `data: [DONE]` arrived (as event `number`): the stream is over; nothing after it is read. */
  done(number: number): void;
  error(error: ChunkwiseError): void;
  /**
   * Optional: the body ended inside a UTF-8 character (so inside its last line, which no line
   * end closed): receives that ParseError instead of `error`, so that a cut stream can be told
   * from bad bytes. Nothing is decoded after it.
   */
  unterminated?(error: ParseError): void;
}

export type SseDecoder = ByteDecoder;

export const DEFAULT_MAX_EVENT_SIZE = 64 * 1024 * 1024;
const LF = 10;
const CR = 13;
const encoder = new TextEncoder();

/**
 * A push decoder from bytes (any cut, UTF-8 split anywhere) to SSE messages, built on
 * eventsource-parser's `createParser` (its TransformStream wrapper adds a stream hop and a
 * streaming TextDecoder per piece, which the bench shows to be slower).
 * Keep-alives are dropped: comments (`: ping`), `retry:` lines, `event: ping`, and events
 * whose data is empty. `event: error` and `{"error": …}` payloads become a ProviderError.
 *
 * The decoder keeps the unterminated last line itself and hands the parser whole lines with LF
 * ends only. That makes the size limit exact whatever the cuts (the parser's own
 * `maxBufferSize` counts its partial line plus the event's data, and never looks at text that
 * arrives complete in one piece) and lets the parser stay on its LF-only fast path.
 */
// One piece: the decoder's state (the carried bytes, the partial line, the counters) lives in
// this closure's variables, which the per-piece hot path reads directly; its helpers share them.
export function createSseDecoder(sink: SseSink, options: SseDecoderOptions = {}): SseDecoder {
  checkOptions('createSseDecoder', options, ['maxEventSize']);
  const maxEventSize = options.maxEventSize ?? DEFAULT_MAX_EVENT_SIZE;
  // Each piece is decoded in one non-streaming call (Node's native fast path; `stream: true`
  // leaves it, and is slower on text with multi-byte characters), the bytes of a character cut at
  // its end carried over to the next piece by hand. Only the body's first bytes may start a BOM,
  // which the spec drops: the first region is decoded by a decoder that strips it.
  const firstDecoder = new TextDecoder('utf-8', { fatal: true });
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let decodedAny = false;
  /** The (up to 3) bytes that began a character the last piece did not finish. */
  const carry = new Utf8Carry();
  let bytes = 0;
  let number = 0;
  let stopped = false;
  /** The unterminated last line, as fragments joined once its line end arrives (no O(N²) concatenation). */
  let partial: string[] = [];
  let partialLength = 0;
  /** The text so far ended in CR: an LF at the start of the next text is the second half of a CRLF. */
  let afterCr = false;
  const stop = (error?: ChunkwiseError) => {
    if (stopped) return;
    stopped = true;
    partial = [];
    if (error) sink.error(error);
  };

  const parser = createParser({
    // Only whole lines reach the parser, so all it buffers is the data of the open event.
    maxBufferSize: maxEventSize,
    onEvent(event: EventSourceMessage) {
      if (stopped) return;
      number++;
      const { data } = event;
      if (data.length > maxEventSize) {
        stop(eventTooLarge(maxEventSize, number));
        return;
      }
      if (data === '[DONE]') {
        stopped = true;
        sink.done(number);
        return;
      }
      const type = event.event;
      if (type === 'error') {
        stop(sseErrorEvent(data, number));
        return;
      }
      // Keep-alives: `event: ping` (any data) and empty data are never fatal.
      if (type === 'ping' || data.length === 0 || isBlank(data)) return;
      if (looksLikeErrorPayload(data)) {
        const error = payloadError(data, number);
        if (error) {
          stop(error);
          return;
        }
      }
      sink.message({ event: type, data, id: event.id, number });
    },
    onError(error) {
      // The open event's data grew past the limit before its blank line arrived.
      if (error.type === 'max-buffer-size-exceeded') stop(eventTooLarge(maxEventSize, number + 1));
      // invalid-retry and unknown-field are harmless: servers add fields of their own.
    },
  });

  const parse = (lines: string) => {
    if (lines.length === 0) return;
    try {
      parser.feed(lines);
    } catch (cause) {
      // A sink that threw, or a value it could not handle: data set it off, not the connection.
      stop(toChunkwiseError(unexpected(cause, { event: number + 1 })));
    }
  };

  /** Hands the parser the complete lines of `text` (after what `partial` holds) and keeps the rest. */
  const take = (text: string) => {
    if (text.length === 0) return;
    if (afterCr && text.charCodeAt(0) === LF) {
      text = text.slice(1);
      afterCr = false;
      if (text.length === 0) return;
    }
    afterCr = text.charCodeAt(text.length - 1) === CR;
    // Line ends may be CRLF, LF or CR (spec); the parser only ever sees LF.
    if (text.indexOf('\r') !== -1) text = text.replace(/\r\n?/g, '\n');
    const lastLf = text.lastIndexOf('\n');
    if (lastLf === -1) {
      partialLength += text.length;
      if (partialLength > maxEventSize) stop(lineTooLong(maxEventSize, number + 1));
      else partial.push(text);
      return;
    }
    // Only a text longer than the limit can hold a line longer than the limit.
    const long = partialLength + lastLf > maxEventSize ? firstLongLine(text, lastLf, partialLength, maxEventSize) : -1;
    const cut = long === -1 ? lastLf + 1 : long;
    const head = cut === text.length ? text : text.slice(0, cut);
    const lines = partial.length === 0 ? head : partial.join('') + head;
    const tail = long === -1 ? text.slice(lastLf + 1) : '';
    partial = tail.length === 0 ? [] : [tail];
    partialLength = tail.length;
    // Lines before a too-long one are parsed, as they would have been with other cuts.
    parse(long === 0 ? '' : lines);
    if (stopped) return;
    if (long !== -1 || tail.length > maxEventSize) stop(lineTooLong(maxEventSize, number + 1));
  };

  /**
   * Parses what came before the first invalid byte of `region` (which starts at byte `start`),
   * then fails with that byte's offset. `region` is what Utf8Carry let through: a character left
   * incomplete at its end is followed by bytes that cannot continue it, so it is invalid too.
   */
  const invalidUtf8 = (region: Uint8Array, start: number, cause: unknown) => {
    const bad = firstInvalidUtf8(region, true);
    const at = bad === -1 ? region.byteLength : bad;
    take(new TextDecoder('utf-8', { ignoreBOM: start > 0 }).decode(region.subarray(0, at)));
    stop(new ParseError('The stream is not valid UTF-8', { offset: start + at, cause }));
  };

  return {
    get bytes() {
      return bytes;
    },
    feed(piece) {
      if (stopped) return;
      const input = typeof piece === 'string' ? encoder.encode(piece) : piece;
      const start = bytes - carry.length;
      bytes += input.byteLength;
      const region = carry.take(input);
      if (region.byteLength === 0) return;
      let text: string;
      try {
        text = (decodedAny ? decoder : firstDecoder).decode(region);
      } catch (cause) {
        carry.held = undefined;
        invalidUtf8(region, start, cause);
        return;
      }
      decodedAny = true;
      take(text);
    },
    end() {
      if (stopped) return;
      if (carry.held !== undefined) {
        const error = new ParseError('The stream ended inside a UTF-8 character', { offset: bytes - carry.length });
        carry.held = undefined;
        if (sink.unterminated) {
          stop();
          sink.unterminated(error);
        } else stop(error);
        return;
      }
      // Unlike the spec, which drops an event that no blank line closed, the last event counts
      // without its blank line: some servers end with `data: [DONE]` and nothing after it.
      const last = partial.join('');
      partial = [];
      parse(`${last}\n\n`);
      stopped = true;
    },
  };
}

/**
 * RxJS operator: bytes to SSE messages. `data: [DONE]` is passed on as a last message
 * (so that an assembler can tell a finished stream from a cut one) and then completes.
 *
 * @example
 * ```ts
 * fromSource(response).pipe(decodeSse()).subscribe((m) => console.log(m.data));
 * ```
 */
export function decodeSse(options: SseDecoderOptions = {}): OperatorFunction<Uint8Array | string, SseMessage> {
  checkOptions('decodeSse', options, ['maxEventSize']);
  return (source) =>
    new Observable<SseMessage>((subscriber) => {
      /** Inside `decoder.end()`: a message now is the body's last event, which no blank line closed. */
      let ending = false;
      const decoder = createSseDecoder(
        {
          message: (m) => {
            const cut = ending ? cutOfLastEvent(m) : undefined;
            if (cut) subscriber.error(cut);
            else subscriber.next(m);
          },
          done: (number) => {
            subscriber.next({ event: undefined, data: '[DONE]', id: undefined, number });
            subscriber.complete();
          },
          error: (e) => subscriber.error(e),
          unterminated: (e) => subscriber.error(cutError(e, undefined)),
        },
        options,
      );
      return source.subscribe({
        next: (piece) => decoder.feed(piece),
        error: (e) => subscriber.error(toChunkwiseError(e)),
        complete: () => {
          ending = true;
          decoder.end();
          subscriber.complete();
        },
      });
    });
}

/**
 * The error the body's last event ends in when no blank line closed it and its data is the
 * start of a JSON value cut short (the end-of-body policy, as the pipeline applies it); else
 * undefined, and the event is passed on.
 */
function cutOfLastEvent(message: SseMessage): ChunkwiseError | undefined {
  try {
    JSON.parse(message.data);
    return undefined;
  } catch (cause) {
    const error = cutError(new ParseError('An SSE event is not valid JSON', { event: message.number, excerpt: excerptOf(message.data), cause }), message.data);
    return error instanceof ParseError ? undefined : error;
  }
}

/** True for the `[DONE]` terminator message that decodeSse passes on last. */
export function isDoneMessage(message: SseMessage): boolean {
  return message.data === '[DONE]' && message.event === undefined;
}

/** Start index of the first line in `text[0..end]` longer than `max` (the first continues a partial of `carry` characters), or -1. */
function firstLongLine(text: string, end: number, carry: number, max: number): number {
  let start = 0;
  let length = carry;
  while (start <= end) {
    const lf = text.indexOf('\n', start);
    if (length + lf - start > max) return start;
    length = 0;
    start = lf + 1;
  }
  return -1;
}

function eventTooLarge(max: number, event: number): LimitError {
  return new LimitError('maxEventSize', max, `An SSE event's data is longer than maxEventSize (${max} characters)`, { event });
}

function lineTooLong(max: number, event: number): LimitError {
  return new LimitError('maxEventSize', max, `An SSE line is longer than maxEventSize (${max} characters)`, { event });
}

function sseErrorEvent(data: string, number: number): ChunkwiseError {
  const position = { event: number, excerpt: excerptOf(data) };
  let payload: unknown = data;
  try {
    payload = JSON.parse(data);
  } catch {
    return new ProviderError({ message: data || 'The server sent an error event', payload: data, ...position });
  }
  return (
    providerErrorFrom(payload, position) ??
    providerErrorFrom({ error: payload }, position) ??
    new ProviderError({ message: data, payload, ...position })
  );
}

function payloadError(data: string, number: number): ChunkwiseError | undefined {
  let payload: unknown;
  try {
    payload = JSON.parse(data);
  } catch {
    return undefined; // not JSON after all: the assembler reports it with its position
  }
  return providerErrorFrom(payload, { event: number, excerpt: excerptOf(data) });
}

function isBlank(data: string): boolean {
  for (let i = 0; i < data.length; i++) {
    const c = data.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return false;
  }
  return true;
}
