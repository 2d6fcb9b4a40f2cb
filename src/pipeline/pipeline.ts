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
import { unexpected } from '../assembly/unexpected-error.js';
import type { StreamEvent } from '../assembly/events.js';
import { withPartial, type ChunkwiseError } from '../errors.js';
import type { ProviderName } from '../providers/provider-spec.js';
import { PROVIDER_NAMES, endsAtComplete, isProviderName, providerFromFirstPayload, providerSpec, transportOfProvider } from '../providers/registry.js';
import { createPayloadDecoder, type PayloadDecoder, type PayloadPosition } from '../transports/payload-decoder.js';
import { DEFAULT_TRANSPORT, createTransportSniffer, transportFromContentType, type TransportName } from '../transports/transport-table.js';
import { PIPELINE_OPTIONS, checkOptions, type OptionRule } from '../assembly/check-options.js';
import { acceptNonStreamed } from './non-streamed.js';
import type { Pipeline, PipelineOptions, PipelineSink } from './pipeline-types.js';
import { createOrderedFeed } from './ordered-feed.js';

export type { Pipeline, PipelineOptions, PipelineSink } from './pipeline-types.js';

/** The state of one pipeline run, shared by its steps. */
interface Run {
  readonly options: PipelineOptions;
  readonly sink: PipelineSink;
  provider: ProviderName | undefined;
  transport: TransportName | undefined;
  assembler: Assembler<unknown, unknown, unknown> | undefined;
  decoder: PayloadDecoder | undefined;
  /** The provider's response ends once its assembler says it is complete (set with the assembler). */
  endsAtComplete: boolean;
  pushed: boolean;
  settled: boolean;
  end: BodyEnd;
}

/** The `provider` option's rule, beside the option table's (the names are the registry's). */
export const PROVIDER_OPTION: Readonly<Record<string, OptionRule>> = {
  provider: { expected: `one of ${PROVIDER_NAMES.map((name) => JSON.stringify(name)).join(', ')}`, ok: isProviderName },
};

/** Creates a pipeline that reports to `sink`; see the module comment for its steps. */
export function createPipeline(options: PipelineOptions, sink: PipelineSink): Pipeline {
  checkOptions('createPipeline', options, PIPELINE_OPTIONS, PROVIDER_OPTION);
  return acceptNonStreamed(options, sink, createStreamPipeline);
}

/** The stream pipeline proper: SSE events or NDJSON lines through the provider's assembler. */
function createStreamPipeline(options: PipelineOptions, sink: PipelineSink): Pipeline {
  const run: Run = {
    options,
    sink,
    provider: options.provider,
    transport: options.provider === undefined ? undefined : transportOfProvider(options.provider),
    assembler: undefined,
    decoder: undefined,
    endsAtComplete: false,
    pushed: false,
    settled: false,
    end: { kind: 'closed' },
  };
  const sniffer = createTransportSniffer();
  const feed = createOrderedFeed(
    (piece) => run.decoder!.feed(piece),
    () => {
      if (!run.decoder) {
        startDecoder(run, run.transport ?? DEFAULT_TRANSPORT);
        feed.feedAll(sniffer.take());
        if (run.settled) return;
      }
      run.decoder!.end();
      settle(run);
    },
    () => run.settled,
  );

  return {
    get provider() {
      return run.provider;
    },
    contentType(value) {
      run.transport ??= transportFromContentType(value);
    },
    feed(piece) {
      if (run.settled) return;
      if (!run.decoder) {
        // The transport step starts once the content type or the first bytes have told it.
        if (run.transport === undefined) {
          const sniffed = sniffer.push(piece);
          if (sniffed === undefined) return;
          startDecoder(run, sniffed);
          feed.feedAll(sniffer.take());
          return;
        }
        startDecoder(run, run.transport);
      }
      feed.feed(piece);
    },
    end: () => {
      if (!run.settled) feed.end();
    },
    fail: (error) => fail(run, error),
    snapshot: () => snapshotOf(run),
  };
}

function snapshotOf(run: Run): unknown {
  return run.assembler && run.pushed ? run.assembler.snapshot() : undefined;
}

/** The partial response for an error: none when building it fails too (the error is what counts). */
function partialOf(run: Run): unknown {
  try {
    return snapshotOf(run);
  } catch {
    return undefined;
  }
}

function fail(run: Run, error: unknown): void {
  if (run.settled) return;
  run.settled = true;
  run.sink.error(withPartial(error, partialOf(run)));
}

/** The transport step: payloads decoded from the bytes, handed to the provider's assembler. */
function startDecoder(run: Run, transport: TransportName): void {
  run.transport = transport;
  run.decoder = createPayloadDecoder(
    transport,
    {
      payload(value: unknown, position: PayloadPosition) {
        try {
          (run.assembler ?? startAssembler(run, value)).push(value, position);
          run.pushed = true;
        } catch (error) {
          fail(run, unexpected(error, position));
          return;
        }
        // A format without an end marker of its own ends where the response says it is complete.
        if (run.endsAtComplete && run.assembler!.complete) settle(run);
      },
      stopped: () => run.settled,
      terminated() {
        run.end = { kind: 'terminator' };
        settle(run);
      },
      error: (error) => fail(run, error),
      cut(error) {
        run.end = { kind: 'cut', error };
      },
    },
    { maxEventSize: run.options.maxEventSize },
  );
}

/** The provider step: named, or the one the first payload belongs to; its assembler emits the events. */
function startAssembler(run: Run, first: unknown): Assembler<unknown, unknown, unknown> {
  const { options, sink } = run;
  run.provider ??= providerFromFirstPayload(run.transport!, first === undefined ? undefined : { payload: first, event: run.decoder?.firstEvent });
  run.endsAtComplete = endsAtComplete(run.provider);
  run.assembler = providerSpec(run.provider).createAssembler({
    partialArguments: options.partialArguments ?? sink.event !== undefined,
    partialContent: options.partialContent ?? false,
    ...(options.strict ? { strict: true } : {}),
    ...(sink.event ? { onEvent: sink.event } : {}),
  }) as Assembler<unknown, unknown, unknown>;
  return run.assembler;
}

/** The end-of-body step: the final object, or the error the body ends in. */
function settle(run: Run): void {
  if (run.settled) return;
  let final: unknown;
  try {
    final = settleEnd(run.assembler ?? startAssembler(run, undefined), run.end, { lenient: run.options.lenient ?? false, pushed: run.pushed });
  } catch (error) {
    fail(run, unexpected(error, {}));
    return;
  }
  run.settled = true;
  run.sink.event?.({ type: 'done', choice: 0, response: final, snapshot: () => final });
  run.sink.final(final, run.provider!);
}
