import type { Assembler, AssemblerOptions, ProviderName, ProviderSpec, TransportName } from '../assembly/assembler.js';
import type { StreamEvent } from '../assembly/events.js';
import { createIncrementalJson } from '../assembly/incremental-json.js';
import { ChunkwiseError, LimitError, ParseError, TruncatedStreamError, UsageError, excerptOf, isAbortLike, withPartial } from '../errors.js';
import { providerForTransport, providerFromContentType, transportFromFirstBytes } from '../providers/detect.js';
import { PROVIDER_NAMES, providerSpec } from '../providers/registry.js';
import { createNdjsonDecoder } from '../transports/ndjson.js';
import { createSseDecoder } from '../transports/sse.js';

export interface PipelineOptions extends Omit<AssemblerOptions, 'onEvent'> {
  /** `'openai' | 'groq' | 'ollama'`; detected from the content type, else from the first bytes. */
  provider?: ProviderName;
  /**
   * Accept a stream that ended early: the partial object becomes the result instead of a
   * TruncatedStreamError (an unfinished last event or line is left out).
   */
  lenient?: boolean;
  /** Largest SSE event or NDJSON line (characters / bytes). Default 64 MiB. */
  maxEventSize?: number;
}

export interface PipelineSink {
  event?: (event: StreamEvent) => void;
  final(response: unknown, provider: ProviderName): void;
  error(error: ChunkwiseError): void;
}

export interface Pipeline {
  /** A content type seen before the first byte helps detection. */
  contentType(value: string | null): void;
  feed(piece: Uint8Array): void;
  end(): void;
  /** The source failed (network, abort, timeout): report it with the partial object. */
  fail(error: unknown): void;
  /** The response assembled so far, or undefined before the first chunk. */
  snapshot(): unknown;
  readonly provider: ProviderName | undefined;
}

/**
 * Bytes in, final object out: transport decoder, JSON, provider assembler, in one push loop
 * with no RxJS hop per message (the hot path). Every failure carries the partial object.
 */
export function createPipeline(options: PipelineOptions, sink: PipelineSink): Pipeline {
  if (options.provider !== undefined && !PROVIDER_NAMES.includes(options.provider)) {
    throw new UsageError(`Unknown provider "${String(options.provider)}"; expected one of ${PROVIDER_NAMES.join(', ')}`);
  }
  let provider = options.provider;
  let assembler: Assembler<unknown, unknown, unknown> | undefined;
  let decoder: { feed(piece: Uint8Array): void; end(): void } | undefined;
  let waiting: Uint8Array[] = [];
  /** Bytes looked at together to detect the transport (until 3: a BOM may arrive cut). */
  let sniffed = 0;
  let pushed = false;
  let terminated = false;
  let settled = false;
  /** Inside `decoder.end()`: what arrives now is the body's last event/line, which no line end closed. */
  let ending = false;

  const snapshot = () => (assembler && pushed ? assembler.snapshot() : undefined);

  const fail = (error: unknown) => {
    if (settled) return;
    settled = true;
    sink.error(withPartial(error, snapshot()));
  };

  const finish = () => {
    if (settled || !assembler) return;
    let final: unknown;
    try {
      // Lenient mode returns what was assembled; with nothing assembled there is no object to
      // return (only an empty shell, of a guessed endpoint for Ollama): that stays a failure.
      final = assembler.finish(terminated, (options.lenient ?? false) && pushed);
    } catch (error) {
      // Before the first chunk there is no partial object (as `snapshot()` says), not an empty shell.
      if (!pushed && error instanceof ChunkwiseError) delete error.partial;
      fail(unexpected(error, {}));
      return;
    }
    settled = true;
    sink.event?.({ type: 'done', choice: 0, response: final, snapshot: () => final });
    sink.final(final, provider!);
  };

  /**
   * The body ended inside its last SSE event / NDJSON line, which cannot be decoded. When what it
   * holds is the start of a JSON value (or of `[DONE]`), the stream was cut there: a
   * TruncatedStreamError (the ParseError as its cause), or in lenient mode nothing, so that the
   * partial object becomes the result. Anything else is bad data: the ParseError.
   */
  const cutShort = (error: ParseError, text: string | undefined) => {
    if (settled) return;
    if (text !== undefined && !startsJsonValue(text) && !'[DONE]'.startsWith(text)) {
      fail(error);
      return;
    }
    if (options.lenient) return;
    const where = error.event !== undefined ? `SSE event ${error.event}` : error.line !== undefined ? `line ${error.line}` : 'its last event';
    fail(
      new TruncatedStreamError(`The stream ended in the middle of ${where}: ${error.message}`, {
        ...(error.event !== undefined ? { event: error.event } : {}),
        ...(error.line !== undefined ? { line: error.line } : {}),
        ...(error.offset !== undefined ? { offset: error.offset } : {}),
        ...(error.excerpt !== undefined ? { excerpt: error.excerpt } : {}),
        cause: error,
      }),
    );
  };

  const push = (payload: unknown, position: { line?: number; event?: number }) => {
    try {
      assembler!.push(payload, position);
      pushed = true;
    } catch (error) {
      fail(unexpected(error, position));
    }
  };

  const start = (spec: ProviderSpec) => {
    assembler = spec.createAssembler({
      partialArguments: options.partialArguments ?? sink.event !== undefined,
      partialContent: options.partialContent ?? false,
      ...(sink.event ? { onEvent: sink.event } : {}),
    }) as Assembler<unknown, unknown, unknown>;
    if (spec.transport === 'sse') {
      decoder = createSseDecoder(
        {
          message(message) {
            let payload: unknown;
            try {
              payload = JSON.parse(message.data);
            } catch (cause) {
              const error = new ParseError('An SSE event is not valid JSON', { event: message.number, excerpt: excerptOf(message.data), cause });
              if (ending) cutShort(error, message.data);
              else fail(error);
              return;
            }
            push(payload, { event: message.number });
          },
          done() {
            terminated = true;
            finish();
          },
          error: fail,
          unterminated: (error) => cutShort(error, undefined),
        },
        { maxEventSize: options.maxEventSize },
      );
    } else {
      decoder = createNdjsonDecoder(
        {
          value(value, line) {
            push(value, { line });
            // Ollama's `done: true` line is the end; don't wait for the connection to close.
            if (assembler!.complete) finish();
          },
          error: (error) => fail(asEventSizeLimit(error)),
          unterminated: (text, error) => cutShort(error, text),
        },
        { maxLineBytes: options.maxEventSize },
      );
    }
  };

  return {
    get provider() {
      return provider;
    },
    contentType(value) {
      if (provider === undefined) provider = providerFromContentType(value);
    },
    feed(piece) {
      if (settled) return;
      if (!decoder) {
        if (provider === undefined) {
          waiting.push(piece);
          let transport: TransportName | undefined;
          if (sniffed < 3) {
            // The first three bytes together: a BOM cut after its first byte is not SSE text.
            const head = concat(waiting);
            sniffed = head.byteLength;
            transport = head.byteLength < 3 && isBomStart(head) ? undefined : transportFromFirstBytes(head);
          } else transport = transportFromFirstBytes(piece);
          if (transport === undefined) return;
          provider = providerForTransport(transport);
        } else {
          waiting.push(piece);
        }
        start(providerSpec(provider));
        const queued = waiting;
        waiting = [];
        for (const p of queued) if (!settled) decoder!.feed(p);
        return;
      }
      decoder.feed(piece);
    },
    end() {
      if (settled) return;
      if (!decoder) {
        if (provider === undefined) provider = options.provider ?? 'openai';
        start(providerSpec(provider));
        for (const p of waiting) decoder!.feed(p);
        waiting = [];
      }
      ending = true;
      decoder!.end();
      ending = false;
      finish();
    },
    fail,
    snapshot,
  };
}

/** True when `text` is the start of a JSON value (or blank): what a cut would leave of one. */
function startsJsonValue(text: string): boolean {
  const json = createIncrementalJson();
  json.feed(text);
  return json.error === undefined;
}

const BOM = [0xef, 0xbb, 0xbf];

/** True when `bytes` (shorter than 3) are the start of a UTF-8 BOM. */
function isBomStart(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.byteLength; i++) if (bytes[i] !== BOM[i]) return false;
  return true;
}

function concat(pieces: Uint8Array[]): Uint8Array {
  if (pieces.length === 1) return pieces[0]!;
  let length = 0;
  for (const p of pieces) length += p.byteLength;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/**
 * An assembler throws ChunkwiseErrors; anything else (a RangeError from a value nested too deep
 * to copy, a bug) was still set off by the data at `position`: a ParseError that says where,
 * rather than the NetworkError that `toChunkwiseError` would make of it.
 */
function unexpected(error: unknown, position: { line?: number; event?: number }): unknown {
  if (error instanceof ChunkwiseError || isAbortLike(error)) return error;
  const what = position.event !== undefined ? 'An SSE event' : position.line !== undefined ? 'A line' : 'The response';
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new ParseError(`${what} could not be assembled (${detail})`, { ...position, cause: error });
}

/** The NDJSON decoder's `maxLineBytes` is this pipeline's `maxEventSize`: name the option the caller set. */
function asEventSizeLimit(error: ChunkwiseError): ChunkwiseError {
  if (!(error instanceof LimitError) || error.limitName !== 'maxLineBytes') return error;
  return new LimitError('maxEventSize', error.limit, `An NDJSON line is longer than maxEventSize (${error.limit} bytes)`, {
    ...(error.line !== undefined ? { line: error.line } : {}),
    ...(error.offset !== undefined ? { offset: error.offset } : {}),
    cause: error,
  });
}
