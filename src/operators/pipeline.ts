import type { Assembler, AssemblerOptions, ProviderName, ProviderSpec } from '../assembly/assembler.js';
import type { StreamEvent } from '../assembly/events.js';
import { ChunkwiseError, ParseError, UsageError, excerptOf, withPartial } from '../errors.js';
import { providerForTransport, providerFromContentType } from '../providers/detect.js';
import { PROVIDER_NAMES, providerSpec } from '../providers/registry.js';
import { createNdjsonDecoder } from '../transports/ndjson.js';
import { createSseDecoder } from '../transports/sse.js';
import { asEventSizeLimit, truncationOf, unexpected } from './pipeline-errors.js';
import { acceptNonStreamed } from './non-streamed.js';
import { createTransportSniffer } from './sniff-transport.js';

export interface PipelineOptions<P extends ProviderName = ProviderName> extends Omit<AssemblerOptions, 'onEvent'> {
  /**
   * `'openai' | 'groq' | 'ollama'`; detected from the content type, else from the first bytes.
   * Naming it also types the results (see `ProviderTypes`).
   */
  provider?: P;
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
 * with no RxJS hop per message (the hot path). Every failure carries the partial object. A
 * non-streamed JSON body (a `chat.completion`, Ollama's object) is accepted as the final object.
 */
export function createPipeline(options: PipelineOptions, sink: PipelineSink): Pipeline {
  return acceptNonStreamed(options, sink, createStreamPipeline);
}

/** The stream pipeline proper: SSE events or NDJSON lines through the provider's assembler. */
function createStreamPipeline(options: PipelineOptions, sink: PipelineSink): Pipeline {
  if (options.provider !== undefined && !PROVIDER_NAMES.includes(options.provider)) {
    throw new UsageError(`Unknown provider "${String(options.provider)}"; expected one of ${PROVIDER_NAMES.join(', ')}`);
  }
  let provider = options.provider;
  let assembler: Assembler<unknown, unknown, unknown> | undefined;
  let decoder: { feed(piece: Uint8Array): void; end(): void } | undefined;
  const sniffer = createTransportSniffer();
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
    const truncated = truncationOf(error, text);
    if (truncated === undefined) fail(error);
    else if (!options.lenient) fail(truncated);
  };

  const push = (payload: unknown, position: { line?: number; event?: number }) => {
    try {
      assembler!.push(payload, position);
      pushed = true;
    } catch (error) {
      fail(unexpected(error, position));
    }
  };

  // The messages (lines) of one piece are taken in a batch, in phases: the decoder frames them
  // all, then JSON.parse runs on each, then the assembler takes each. One kind of work at a
  // time measured 3–4.5% faster on OpenAI bodies than alternating per message (V8's JSON
  // parser and the assembler evict each other's state from the CPU's caches). Nothing waits: a
  // batch is the bytes of one piece, handled before `feed` returns, and errors keep their order
  // (a message that fails is reported after the ones before it have been applied, as before).
  const texts: string[] = [];
  const numbers: number[] = [];
  const values: unknown[] = [];
  const lines: number[] = [];

  /** Parses and applies the SSE messages of the batch. */
  const flushMessages = () => {
    const n = texts.length;
    if (n === 0) return;
    let parsed = 0;
    let parseError: ParseError | undefined;
    for (; parsed < n; parsed++) {
      try {
        values[parsed] = JSON.parse(texts[parsed]!);
      } catch (cause) {
        parseError = new ParseError('An SSE event is not valid JSON', { event: numbers[parsed], excerpt: excerptOf(texts[parsed]!), cause });
        break;
      }
    }
    for (let i = 0; i < parsed && !settled; i++) push(values[i], { event: numbers[i] });
    if (parseError !== undefined && !settled) {
      if (ending) cutShort(parseError, texts[parsed]);
      else fail(parseError);
    }
    texts.length = numbers.length = values.length = 0;
  };

  /** Applies the NDJSON values of the batch; Ollama's `done: true` line ends the response there. */
  const flushValues = () => {
    const n = values.length;
    for (let i = 0; i < n && !settled; i++) {
      push(values[i], { line: lines[i] });
      // Don't wait for the connection to close.
      if (assembler!.complete) finish();
    }
    values.length = lines.length = 0;
  };

  let flush = flushMessages;

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
            texts.push(message.data);
            numbers.push(message.number);
          },
          done() {
            flushMessages();
            if (settled) return;
            terminated = true;
            finish();
          },
          error(error) {
            flushMessages();
            fail(error);
          },
          unterminated(error) {
            flushMessages();
            cutShort(error, undefined);
          },
        },
        { maxEventSize: options.maxEventSize },
      );
    } else {
      flush = flushValues;
      decoder = createNdjsonDecoder(
        {
          value(value, line) {
            values.push(value);
            lines.push(line);
          },
          error(error) {
            flushValues();
            fail(asEventSizeLimit(error));
          },
          unterminated(text, error) {
            flushValues();
            cutShort(error, text);
          },
        },
        { maxLineBytes: options.maxEventSize },
      );
    }
  };

  // Pieces wait here while a batch is being applied: an event handler that feeds the pipeline
  // must not start a second batch inside the first, so its bytes come after. (Whatever throws
  // out of a batch has settled the pipeline first, so `draining` never stays set on a live one.)
  const queued: Uint8Array[] = [];
  let draining = false;
  let endRequested = false;
  let taking = false;

  /** Decodes `piece` and applies its batch; then what was fed meanwhile. */
  const decode = (piece: Uint8Array) => {
    if (draining) {
      queued.push(piece);
      return;
    }
    draining = true;
    decoder!.feed(piece);
    flush();
    draining = false;
    if (queued.length > 0 || endRequested) takeQueued();
  };

  /** The pieces (and the end) that arrived during a batch, in order (rare: kept off the hot path). */
  const takeQueued = () => {
    if (taking) return;
    taking = true;
    while (queued.length > 0 && !settled) decode(queued.shift()!);
    queued.length = 0;
    taking = false;
    if (endRequested) {
      endRequested = false;
      end();
    }
  };

  /** The pieces held back while the transport was being detected, as one run (nothing fed meanwhile cuts in). */
  const decodeAll = (pieces: readonly Uint8Array[]) => {
    if (pieces.length === 0) return;
    for (let i = 1; i < pieces.length; i++) queued.push(pieces[i]!);
    decode(pieces[0]!);
  };

  const end = () => {
    if (settled) return;
    if (draining) {
      endRequested = true;
      return;
    }
    if (!decoder) {
      provider ??= 'openai';
      start(providerSpec(provider));
      decodeAll(sniffer.take());
    }
    if (settled) return;
    ending = true;
    decoder!.end();
    flush();
    ending = false;
    finish();
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
          const transport = sniffer.push(piece);
          if (transport === undefined) return;
          provider = providerForTransport(transport);
          start(providerSpec(provider));
          decodeAll(sniffer.take());
          return;
        }
        start(providerSpec(provider));
      }
      decode(piece);
    },
    end,
    fail,
    snapshot,
  };
}
