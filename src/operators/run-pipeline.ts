import { Observable, Subject, takeUntil, type SchedulerLike, type Subscriber } from 'rxjs';
import type { StreamEvent } from '../assembly/events.js';
import type { FinalOf, ProviderEvent } from '../providers/provider-types.js';
import { fromSource, type ByteSource, type SourceOptions } from '../sources/from-source.js';
import { STREAM_OPTIONS, checkOptions } from '../assembly/check-options.js';
import { idleTimeout } from '../sources/idle-timeout.js';
import { PROVIDER_OPTION, createPipeline, type PipelineOptions } from '../pipeline/pipeline.js';
import type { ProviderName } from '../providers/provider-spec.js';
import { transportOfProvider } from '../providers/registry.js';

export interface StreamOptions<P extends ProviderName = ProviderName> extends PipelineOptions<P>, Omit<SourceOptions, 'onResponse' | 'expect'> {
  /** Fail with an IdleTimeoutError when no bytes arrive for this long (ms; at most 2^31 - 1, the longest timer; Infinity: none). */
  idleTimeoutMs?: number;
  /** Scheduler for the idle timeout (tests pass a TestScheduler). */
  scheduler?: SchedulerLike;
}

/** The final object and the provider that made it; with no provider named, a union that narrows on `provider`. */
export type FinalResult<P extends ProviderName = ProviderName> = P extends ProviderName ? { response: FinalOf<P>; provider: P } : never;

/** Subscribes the byte source and runs it through a pipeline; events go to `onEvent` when given. */
export function runPipeline(
  source: ByteSource,
  options: StreamOptions,
  subscriber: Subscriber<unknown>,
  onEvent: ((event: StreamEvent) => void) | undefined,
  onFinal: (result: { response: unknown; provider: ProviderName }) => void,
) {
  // Once the pipeline has its outcome, the source is let go of at once, even in the middle of
  // a synchronous source (an array, a generator: possibly endless), which nothing else could
  // interrupt before its subscribe() returns.
  const settled = new Subject<void>();
  const pipeline = createPipeline(options, {
    ...(onEvent ? { event: onEvent } : {}),
    final: (response, provider) => {
      settled.next();
      onFinal({ response, provider });
      subscriber.complete();
    },
    error: (error) => {
      settled.next();
      subscriber.error(error);
    },
  });
  let bytes = fromSource(source, {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.maxTotalBytes !== undefined ? { maxTotalBytes: options.maxTotalBytes } : {}),
    expect: options.provider === undefined ? 'any' : transportOfProvider(options.provider),
    onResponse: (response) => pipeline.contentType(response.headers.get('content-type')),
  });
  if (options.idleTimeoutMs !== undefined && options.idleTimeoutMs !== Infinity) bytes = bytes.pipe(idleTimeout<Uint8Array>(options.idleTimeoutMs, options.scheduler));
  return bytes.pipe(takeUntil(settled)).subscribe({
    next: (piece) => pipeline.feed(piece),
    error: (error) => pipeline.fail(error),
    complete: () => pipeline.end(),
  });
}

/**
 * The typed events of a response as a cold Observable: each subscription makes its own pass
 * over the source. The last event is `done`, carrying the final response object.
 *
 * @example
 * ```ts
 * streamEvents(await fetch(url, init)).subscribe((e) => {
 *   if (e.type === 'content.delta') process.stdout.write(e.delta);
 * });
 * ```
 */
export function streamEvents<P extends ProviderName = ProviderName>(source: ByteSource, options: StreamOptions<P> = {}): Observable<ProviderEvent<P>> {
  checkOptions('streamEvents', options, STREAM_OPTIONS, PROVIDER_OPTION);
  return new Observable<ProviderEvent<P>>((subscriber) =>
    runPipeline(source, options, subscriber as Subscriber<unknown>, (event) => subscriber.next(event as ProviderEvent<P>), () => {}),
  );
}

/** The final response object as a cold Observable of one value (no event objects are built). */
export function streamFinal<P extends ProviderName = ProviderName>(source: ByteSource, options: StreamOptions<P> = {}): Observable<FinalResult<P>> {
  checkOptions('streamFinal', options, STREAM_OPTIONS, PROVIDER_OPTION);
  return new Observable<FinalResult<P>>((subscriber) =>
    runPipeline(source, options, subscriber as Subscriber<unknown>, undefined, (result) => subscriber.next(result as FinalResult<P>)),
  );
}
