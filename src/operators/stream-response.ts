import { Observable, Subject, type Subscription } from 'rxjs';
import { filter, map } from 'rxjs/operators';
import { STREAM_OPTIONS, checkOptions } from '../assembly/check-options.js';
import { PROVIDER_OPTION } from '../pipeline/pipeline.js';
import type { ProviderName } from '../providers/provider-spec.js';
import type { StreamEvent } from '../assembly/events.js';
import type { FinalOf, ProviderEvent, SnapshotOf } from '../providers/provider-types.js';
import type { ByteSource } from '../sources/from-source.js';
import { streamEvents, type StreamOptions } from './run-pipeline.js';
import { toAsyncIterable } from './to-async-iterable.js';

/**
 * A response being streamed: several consumers, one upstream request. Typed by provider `P`
 * (`streamResponse(res, { provider: 'openai' })`: `final` is a `ChatCompletion`); with no
 * provider named, by the union of every provider's types.
 */
export interface ResponseStream<P extends ProviderName = ProviderName> extends AsyncIterable<ProviderEvent<P>> {
  /** Every typed event from the moment of subscription; the last is `done`. */
  readonly events$: Observable<ProviderEvent<P>>;
  /** A snapshot after every chunk; a late subscriber gets the current snapshot first. */
  readonly snapshots$: Observable<SnapshotOf<P>>;
  /** The content text as it grows, per delta (choice 0). */
  readonly text$: Observable<string>;
  /** The final response object; reading it starts the request if nothing else has. */
  readonly final: Promise<FinalOf<P>>;
  /** The snapshot now, or undefined before the first chunk. */
  snapshot(): SnapshotOf<P> | undefined;
  /** Stops the request; subscribers get an AbortError carrying the partial object. */
  abort(reason?: unknown): void;
}

/**
 * One call for the common case: a `Response` (or any byte source) in, an object out whose
 * observables, async iterator and Promise all share one upstream request. The request starts
 * with the first subscriber (or the first read of `final`) and is cancelled when the last
 * subscriber leaves before the end.
 *
 * @example
 * ```ts
 * const stream = streamResponse(fetch(url, init));
 * stream.text$.subscribe((text) => render(text));
 * for await (const event of stream) if (event.type === 'tool_call.done') console.log(event.parsed);
 * const completion = await stream.final;
 * ```
 */
// One piece: the shared connection, its reference count and the outcome are one state that the
// observables, the async iterator and the Promise all read.
export function streamResponse<P extends ProviderName = ProviderName>(source: ByteSource, options: StreamOptions<P> = {}): ResponseStream<P> {
  checkOptions('streamResponse', options, STREAM_OPTIONS, PROVIDER_OPTION);
  type S = SnapshotOf<P>;
  type F = FinalOf<P>;
  const controller = new AbortController();
  const signal = options.signal ? anySignal([options.signal, controller.signal]) : controller.signal;
  const upstream = streamEvents(source, { ...options, signal }) as unknown as Observable<StreamEvent<S>>;
  const hub = new Subject<StreamEvent<S>>();
  let latest: (() => S) | undefined;
  let connection: Subscription | undefined;
  let settled = false;
  let outcome: { response: F } | { error: unknown } | undefined;
  let refs = 0;
  let finalPromise: Promise<F> | undefined;

  const connect = () => {
    if (connection) return;
    connection = upstream.subscribe({
      next(event) {
        if (event.type === 'chunk' || event.type === 'done') latest = event.snapshot;
        if (event.type === 'done') outcome = { response: event.response as F };
        hub.next(event);
      },
      error(error) {
        settled = true;
        outcome = { error };
        hub.error(error);
      },
      complete() {
        settled = true;
        hub.complete();
      },
    });
  };

  const events$ = new Observable<StreamEvent<S>>((subscriber) => {
    refs++;
    const inner = hub.subscribe(subscriber);
    connect();
    return () => {
      inner.unsubscribe();
      if (--refs === 0 && !settled && !finalPromise) controller.abort();
    };
  });

  return {
    events$: events$ as unknown as Observable<ProviderEvent<P>>,
    ...derivedViews(events$, () => latest),
    get final() {
      if (!finalPromise) {
        finalPromise = new Promise<F>((resolve, reject) => {
          // Already over: a completed Subject replays nothing, so settle from what was kept.
          if (outcome) {
            if ('error' in outcome) reject(outcome.error);
            else resolve(outcome.response);
            return;
          }
          hub.subscribe({
            next: (e) => {
              if (e.type === 'done') resolve(e.response as F);
            },
            error: reject,
          });
          connect();
        });
      }
      return finalPromise;
    },
    snapshot: () => latest?.(),
    abort: (reason?: unknown) => controller.abort(reason),
    [Symbol.asyncIterator]: () => toAsyncIterable(events$ as unknown as Observable<ProviderEvent<P>>)[Symbol.asyncIterator](),
  };
}

/**
 * The views every shared stream derives from its events: snapshots (a late subscriber gets the
 * current one first) and choice 0's content text. `latest` reads the current snapshot getter.
 */
export function derivedViews<S, E extends StreamEvent<S>>(events$: Observable<E>, latest: () => (() => S) | undefined): { snapshots$: Observable<S>; text$: Observable<string> } {
  const snapshots$ = new Observable<S>((subscriber) => {
    const current = latest();
    if (current) subscriber.next(current());
    return events$
      .pipe(
        filter((e): e is Extract<E, { type: 'chunk' }> => e.type === 'chunk'),
        map((e) => e.snapshot()),
      )
      .subscribe(subscriber);
  });
  const text$ = events$.pipe(
    filter((e): e is Extract<E, { type: 'content.delta' }> => e.type === 'content.delta' && e.choice === 0),
    map((e) => e.content),
  );
  return { snapshots$, text$ };
}

function anySignal(signals: AbortSignal[]): AbortSignal {
  const any = (AbortSignal as unknown as { any?: (s: AbortSignal[]) => AbortSignal }).any;
  if (any) return any(signals);
  const controller = new AbortController();
  for (const s of signals) {
    if (s.aborted) controller.abort(s.reason);
    else s.addEventListener('abort', () => controller.abort(s.reason), { once: true });
  }
  return controller.signal;
}
