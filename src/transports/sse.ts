import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { Observable, type OperatorFunction } from 'rxjs';
import { LimitError, ParseError, ProviderError, excerptOf, toChunkwiseError, type ChunkwiseError } from '../errors.js';
import { ERROR_PAYLOAD_PREFIX, providerErrorFrom } from './provider-error.js';

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
  /** Largest event (and unterminated line) in characters; past it, a LimitError. Default 64 MiB. */
  maxEventSize?: number;
}

export interface SseSink {
  message(message: SseMessage): void;
  /** `data: [DONE]` arrived: the stream is over; nothing after it is read. */
  done(): void;
  error(error: ChunkwiseError): void;
}

export interface SseDecoder {
  feed(piece: Uint8Array | string): void;
  /** The byte stream ended. */
  end(): void;
  /** Bytes fed so far. */
  readonly bytes: number;
}

export const DEFAULT_MAX_EVENT_SIZE = 64 * 1024 * 1024;

/**
 * A push decoder from bytes (any cut, UTF-8 split anywhere) to SSE messages, built on
 * eventsource-parser's `createParser` (its stream wrapper measured 35–60% slower).
 * Keep-alives are dropped: comments (`: ping`), `retry:` lines, `event: ping`, and events
 * whose data is empty. `event: error` and `{"error": …}` payloads become a ProviderError.
 */
export function createSseDecoder(sink: SseSink, options: SseDecoderOptions = {}): SseDecoder {
  const maxEventSize = options.maxEventSize ?? DEFAULT_MAX_EVENT_SIZE;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let bytes = 0;
  let number = 0;
  let stopped = false;

  const stop = (error?: ChunkwiseError) => {
    if (stopped) return;
    stopped = true;
    if (error) sink.error(error);
  };

  const parser = createParser({
    maxBufferSize: maxEventSize,
    onEvent(event: EventSourceMessage) {
      if (stopped) return;
      number++;
      const { data } = event;
      if (data === '[DONE]') {
        stopped = true;
        sink.done();
        return;
      }
      const type = event.event;
      if (type === 'error') {
        stop(sseErrorEvent(data, number, bytes));
        return;
      }
      // Keep-alives: `event: ping` (any data) and empty data are never fatal.
      if (type === 'ping' || data.length === 0 || isBlank(data)) return;
      if (ERROR_PAYLOAD_PREFIX.test(data)) {
        const error = payloadError(data, number, bytes);
        if (error) {
          stop(error);
          return;
        }
      }
      sink.message({ event: type, data, id: event.id, number });
    },
    onError(error) {
      if (error.type === 'max-buffer-size-exceeded') {
        stop(new LimitError('maxEventSize', maxEventSize, `An SSE event is larger than maxEventSize (${maxEventSize} characters)`, { offset: bytes, event: number + 1 }));
      }
      // invalid-retry and unknown-field are harmless: servers add fields of their own.
    },
  });

  return {
    get bytes() {
      return bytes;
    },
    feed(piece) {
      if (stopped) return;
      let text: string;
      if (typeof piece === 'string') {
        text = piece;
        bytes += piece.length;
      } else {
        try {
          text = decoder.decode(piece, { stream: true });
        } catch (cause) {
          stop(new ParseError('The stream is not valid UTF-8', { offset: bytes, cause }));
          return;
        }
        bytes += piece.byteLength;
      }
      try {
        parser.feed(text);
      } catch (cause) {
        stop(toChunkwiseError(cause));
      }
    },
    end() {
      if (stopped) return;
      try {
        const rest = decoder.decode();
        // A last event without its blank line still counts, as browsers do at end of stream.
        parser.feed(`${rest}\n\n`);
      } catch (cause) {
        stop(new ParseError('The stream ended inside a UTF-8 character', { offset: bytes, cause }));
        return;
      }
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
  return (source) =>
    new Observable<SseMessage>((subscriber) => {
      let last = 0;
      const decoder = createSseDecoder(
        {
          message: (m) => {
            last = m.number;
            subscriber.next(m);
          },
          done: () => {
            subscriber.next({ event: undefined, data: '[DONE]', id: undefined, number: last + 1 });
            subscriber.complete();
          },
          error: (e) => subscriber.error(e),
        },
        options,
      );
      const subscription = source.subscribe({
        next: (piece) => decoder.feed(piece),
        error: (e) => subscriber.error(toChunkwiseError(e)),
        complete: () => {
          decoder.end();
          subscriber.complete();
        },
      });
      // The decoder may have finished ([DONE], error) synchronously inside feed().
      return () => subscription.unsubscribe();
    });
}

/** True for the `[DONE]` terminator message that decodeSse passes on last. */
export function isDoneMessage(message: SseMessage): boolean {
  return message.data === '[DONE]' && message.event === undefined;
}

function sseErrorEvent(data: string, number: number, bytes: number): ChunkwiseError {
  const position = { event: number, offset: bytes, excerpt: excerptOf(data) };
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

function payloadError(data: string, number: number, bytes: number): ChunkwiseError | undefined {
  let payload: unknown;
  try {
    payload = JSON.parse(data);
  } catch {
    return undefined; // not JSON after all: the assembler reports it with its position
  }
  return providerErrorFrom(payload, { event: number, offset: bytes, excerpt: excerptOf(data) });
}

function isBlank(data: string): boolean {
  for (let i = 0; i < data.length; i++) {
    const c = data.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return false;
  }
  return true;
}
