/**
 * The transport step of the pipeline: bytes in (cut anywhere), decoded JSON payloads out, with
 * how the body ended. One decoder for either transport, so the pipeline above never asks which.
 */
import { cutError } from '../assembly/end-of-body.js';
import { depthLimitError, tooDeepAt } from '../assembly/json-depth.js';
import { LimitError, ParseError, excerptOf, type ChunkwiseError } from '../errors.js';
import { createNdjsonDecoder } from './ndjson.js';
import { createSseDecoder } from './sse.js';
import type { TransportName } from './transport-table.js';

/** Where a payload was: its SSE event number or its NDJSON line. */
export interface PayloadPosition {
  line?: number;
  event?: number;
}

export interface PayloadSink {
  /** One decoded payload, in order. */
  payload(value: unknown, position: PayloadPosition): void;
  /** True once the consumer has its outcome: the payloads still in the batch are dropped. */
  stopped(): boolean;
  /** The transport's end marker (`data: [DONE]`): nothing after it is read. */
  terminated(): void;
  /** Bad data or a limit: nothing after it is read. */
  error(error: ChunkwiseError): void;
  /** The body ended inside its last message (see `cutError`): the error it ends in. */
  cut(error: ChunkwiseError): void;
}

export interface PayloadDecoder {
  feed(piece: Uint8Array): void;
  /** The bytes ended (the decoder reports the end to the sink, unless it already stopped). */
  end(): void;
  /** The `event:` name of the first SSE message (for detection); undefined for NDJSON. */
  readonly firstEvent: string | undefined;
}

export interface PayloadDecoderOptions {
  /** Largest SSE event or NDJSON line (characters / bytes). */
  maxEventSize?: number | undefined;
}

/**
 * A payload decoder over the transport's byte decoder. The messages (lines) of one piece are
 * taken in a batch, in phases: the byte decoder frames them all, then `JSON.parse` runs on each,
 * then the sink takes each. One kind of work at a time is faster than alternating per message
 * (V8's JSON parser and the assembler evict each other's state from the CPU's caches; the bench
 * shows it). Nothing waits: a batch is the bytes of one piece, handled before `feed` returns,
 * and errors keep their order (a message that fails is reported after the ones before it).
 */
export function createPayloadDecoder(transport: TransportName, sink: PayloadSink, options: PayloadDecoderOptions = {}): PayloadDecoder {
  return transport === 'sse' ? sseDecoder(sink, options) : ndjsonDecoder(sink, options);
}

function sseDecoder(sink: PayloadSink, options: PayloadDecoderOptions): PayloadDecoder {
  const texts: string[] = [];
  const numbers: number[] = [];
  const values: unknown[] = [];
  let firstEvent: string | undefined;
  let framed = 0;
  /** Inside `end()`: what arrives now is the body's last event, which no blank line closed. */
  let ending = false;

  const flush = () => {
    const n = texts.length;
    if (n === 0) return;
    let parsed = 0;
    let parseError: ParseError | undefined;
    let depthError: LimitError | undefined;
    for (; parsed < n; parsed++) {
      const text = texts[parsed]!;
      const deep = tooDeepAt(text);
      if (deep !== -1) {
        depthError = depthLimitError(text, deep, { event: numbers[parsed]! });
        break;
      }
      try {
        values[parsed] = JSON.parse(text);
      } catch (cause) {
        parseError = new ParseError('An SSE event is not valid JSON', { event: numbers[parsed], excerpt: excerptOf(text), cause });
        break;
      }
    }
    for (let i = 0; i < parsed && !sink.stopped(); i++) sink.payload(values[i], { event: numbers[i]! });
    if (depthError !== undefined && !sink.stopped()) sink.error(depthError);
    if (parseError !== undefined && !sink.stopped()) {
      if (ending) sink.cut(cutError(parseError, texts[parsed]));
      else sink.error(parseError);
    }
    texts.length = numbers.length = values.length = 0;
  };

  const decoder = createSseDecoder(
    {
      message(message) {
        if (framed++ === 0) firstEvent = message.event;
        texts.push(message.data);
        numbers.push(message.number);
      },
      done() {
        flush();
        if (!sink.stopped()) sink.terminated();
      },
      error(error) {
        flush();
        if (!sink.stopped()) sink.error(error);
      },
      unterminated(error) {
        flush();
        if (!sink.stopped()) sink.cut(cutError(error, undefined));
      },
    },
    options.maxEventSize === undefined ? {} : { maxEventSize: options.maxEventSize },
  );

  return {
    get firstEvent() {
      return firstEvent;
    },
    feed(piece) {
      decoder.feed(piece);
      flush();
    },
    end() {
      ending = true;
      decoder.end();
      flush();
      ending = false;
    },
  };
}

function ndjsonDecoder(sink: PayloadSink, options: PayloadDecoderOptions): PayloadDecoder {
  const values: unknown[] = [];
  const lines: number[] = [];

  const flush = () => {
    const n = values.length;
    for (let i = 0; i < n && !sink.stopped(); i++) sink.payload(values[i], { line: lines[i]! });
    values.length = lines.length = 0;
  };

  const decoder = createNdjsonDecoder(
    {
      value(value, line) {
        values.push(value);
        lines.push(line);
      },
      error(error) {
        flush();
        if (!sink.stopped()) sink.error(asEventSizeLimit(error));
      },
      unterminated(text, error) {
        flush();
        if (!sink.stopped()) sink.cut(cutError(error, text));
      },
    },
    options.maxEventSize === undefined ? {} : { maxLineBytes: options.maxEventSize },
  );

  return {
    firstEvent: undefined,
    feed(piece) {
      decoder.feed(piece);
      flush();
    },
    end() {
      decoder.end();
      flush();
    },
  };
}

/** The NDJSON decoder's `maxLineBytes` is the pipeline's `maxEventSize`: name the option the caller set. */
function asEventSizeLimit(error: ChunkwiseError): ChunkwiseError {
  if (!(error instanceof LimitError) || error.limitName !== 'maxLineBytes') return error;
  return new LimitError('maxEventSize', error.limit, `An NDJSON line is longer than maxEventSize (${error.limit} bytes)`, {
    ...(error.line !== undefined ? { line: error.line } : {}),
    ...(error.offset !== undefined ? { offset: error.offset } : {}),
    cause: error,
  });
}
