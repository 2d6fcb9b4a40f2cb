import { asyncScheduler, identity, throwError, timeout, type MonoTypeOperatorFunction, type SchedulerLike } from 'rxjs';
import { checkOptions } from '../assembly/check-options.js';
import { IdleTimeoutError } from '../errors.js';

/**
 * Fails with an IdleTimeoutError when no value arrives for `ms` milliseconds, counting from
 * the subscription (so a server that never sends a first byte is caught too) and then from
 * each value. The failure unsubscribes from the source, which cancels the request.
 *
 * @example
 * ```ts
 * fromSource(fetch(url, init)).pipe(idleTimeout(30_000), decodeSse()).subscribe(console.log);
 * ```
 */
export function idleTimeout<T>(ms: number, scheduler: SchedulerLike = asyncScheduler): MonoTypeOperatorFunction<T> {
  // A delay past the longest timer would fire at once: refused, with the option's own rule.
  checkOptions('idleTimeout', { idleTimeoutMs: ms, scheduler }, ['idleTimeoutMs', 'scheduler']);
  if (ms === Infinity) return identity;
  // Without `first`, `each` also bounds the wait for the first value.
  return timeout({ each: ms, with: () => throwError(() => new IdleTimeoutError(ms)), scheduler });
}
