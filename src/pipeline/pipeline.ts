/**
 * Bytes in, final object out, in one push loop with no RxJS hop per message (the hot path). The
 * steps, each in its layer: the transport (detected from the content type or the first bytes,
 * `transports/transport-table.ts`) decodes payloads (`transports/payload-decoder.ts`); the
 * provider (named, or detected from the first payload by the registry) assembles them and emits
 * the events; the end-of-body policy (`assembly/end-of-body.ts`) makes the final object or the
 * error. Every failure carries the partial object.
 */
import type { Assembler, AssemblerOptions } from '../assembly/assembler.js';
import { settleEnd, type BodyEnd } from '../assembly/end-of-body.js';
import type { StreamEvent } from '../assembly/events.js';
import { UsageError, withPartial, type ChunkwiseError } from '../errors.js';
import type { ProviderName } from '../providers/provider-spec.js';
import { PROVIDER_NAMES, isProviderName, providerFromFirstPayload, providerSpec, transportOfProvider } from '../providers/registry.js';
import { createPayloadDecoder, type PayloadDecoder, type PayloadPosition } from '../transports/payload-decoder.js';
import { TRANSPORTS, createTransportSniffer, transportFromContentType, type TransportName } from '../transports/transport-table.js';
import { createOrderedFeed } from './ordered-feed.js';
import { unexpected } from './pipeline-errors.js';

export interface PipelineOptions extends Omit<AssemblerOptions, 'onEvent'> {
  /** One of the registry's providers (`'openai' | 'groq' | 'ollama' | 'openai-responses'`); detected from the body when absent. */
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
  /** The provider: named, or once the first payload has told it. */
  readonly provider: ProviderName | undefined;
}

/** Creates a pipeline that reports to `sink`; see the module comment for its steps. */
export function createPipeline(options: PipelineOptions, sink: PipelineSink): Pipeline {
  if (options.provider !== undefined && !isProviderName(options.provider)) {
    throw new UsageError(`Unknown provider "${String(options.provider)}"; expected one of ${PROVIDER_NAMES.join(', ')}`);
  }
  let provider = options.provider;
  let transport: TransportName | undefined = provider === undefined ? undefined : transportOfProvider(provider);
  let assembler: Assembler<unknown, unknown, unknown> | undefined;
  let decoder: PayloadDecoder | undefined;
  let pushed = false;
  let settled = false;
  let end: BodyEnd = { kind: 'closed' };
  const sniffer = createTransportSniffer();

  const snapshot = () => (assembler && pushed ? assembler.snapshot() : undefined);

  const fail = (error: unknown) => {
    if (settled) return;
    settled = true;
    sink.error(withPartial(error, snapshot()));
  };

  /** The provider step: named, or the one the first payload belongs to. */
  const startAssembler = (first: unknown) => {
    provider ??= providerFromFirstPayload(transport!, first === undefined ? undefined : { payload: first, event: decoder?.firstEvent });
    assembler = providerSpec(provider).createAssembler({
      partialArguments: options.partialArguments ?? sink.event !== undefined,
      partialContent: options.partialContent ?? false,
      ...(options.strict ? { strict: true } : {}),
      ...(sink.event ? { onEvent: sink.event } : {}),
    }) as Assembler<unknown, unknown, unknown>;
    return assembler;
  };

  /** The end-of-body step: the final object, or the error the body ends in. */
  const settle = () => {
    if (settled) return;
    let final: unknown;
    try {
      final = settleEnd(assembler ?? startAssembler(undefined), end, { lenient: options.lenient ?? false, pushed });
    } catch (error) {
      fail(unexpected(error, {}));
      return;
    }
    settled = true;
    sink.event?.({ type: 'done', choice: 0, response: final, snapshot: () => final });
    sink.final(final, provider!);
  };

  /** The transport step: payloads decoded from the bytes, handed to the assembler. */
  const startDecoder = (name: TransportName) => {
    transport = name;
    const endsAtComplete = TRANSPORTS[name].endsAtComplete;
    decoder = createPayloadDecoder(
      name,
      {
        payload(value: unknown, position: PayloadPosition) {
          try {
            (assembler ?? startAssembler(value)).push(value, position);
            pushed = true;
          } catch (error) {
            fail(unexpected(error, position));
            return;
          }
          // A transport without an end marker of its own ends where the response says it is complete.
          if (endsAtComplete && assembler!.complete) settle();
        },
        stopped: () => settled,
        terminated() {
          end = { kind: 'terminator' };
          settle();
        },
        error: fail,
        cut(error) {
          end = { kind: 'cut', error };
        },
      },
      { maxEventSize: options.maxEventSize },
    );
  };

  const feed = createOrderedFeed(
    (piece) => decoder!.feed(piece),
    () => {
      if (!decoder) {
        startDecoder(transport ?? 'sse');
        feed.feedAll(sniffer.take());
        if (settled) return;
      }
      decoder!.end();
      settle();
    },
    () => settled,
  );

  return {
    get provider() {
      return provider;
    },
    contentType(value) {
      if (transport === undefined) transport = transportFromContentType(value);
    },
    feed(piece) {
      if (settled) return;
      if (!decoder) {
        if (transport === undefined) {
          const sniffed = sniffer.push(piece);
          if (sniffed === undefined) return;
          startDecoder(sniffed);
          feed.feedAll(sniffer.take());
          return;
        }
        startDecoder(transport);
      }
      feed.feed(piece);
    },
    end: () => {
      if (!settled) feed.end();
    },
    fail,
    snapshot,
  };
}
