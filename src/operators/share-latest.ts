import { ReplaySubject, share, type MonoTypeOperatorFunction } from 'rxjs';

/**
 * Shares one upstream subscription among all subscribers, and gives each late subscriber
 * the latest value first. Meant for snapshot / state streams (for event streams, where every
 * event matters, use RxJS `share()`). Exactly:
 *
 * - the first subscriber starts the upstream (the HTTP request); later ones join it;
 * - a late subscriber gets the latest value at once, then the live ones;
 * - after the upstream completes or fails, new subscribers get the last value and the
 *   completion or error; the request is never made again;
 * - when every subscriber leaves before the end, the upstream is unsubscribed (the request
 *   is cancelled) and the next subscriber starts a fresh one.
 *
 * It is `share({ connector: () => new ReplaySubject(1), resetOnError: false,
 * resetOnComplete: false, resetOnRefCountZero: true })`.
 *
 * @example
 * ```ts
 * const snapshots = stream.snapshots.pipe(shareLatest());
 * snapshots.subscribe(renderMessage);
 * snapshots.subscribe(renderToolPanel); // same request, starts from the current snapshot
 * ```
 */
export function shareLatest<T>(): MonoTypeOperatorFunction<T> {
  return share<T>({
    connector: () => new ReplaySubject<T>(1),
    resetOnError: false,
    resetOnComplete: false,
    resetOnRefCountZero: true,
  });
}
