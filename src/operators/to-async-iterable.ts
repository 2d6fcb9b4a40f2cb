import type { Observable } from 'rxjs';

/**
 * Consumes an Observable with `for await`. Values that arrive while the consumer is busy are
 * queued; breaking out of the loop unsubscribes (and so cancels the request upstream).
 */
export function toAsyncIterable<T>(source: Observable<T>): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<T> {
      const queue: T[] = [];
      let head = 0;
      let done = false;
      let failure: { error: unknown } | undefined;
      let wake: (() => void) | undefined;
      const subscription = source.subscribe({
        next(value) {
          queue.push(value);
          wake?.();
        },
        error(error) {
          failure = { error };
          wake?.();
        },
        complete() {
          done = true;
          wake?.();
        },
      });
      return {
        async next(): Promise<IteratorResult<T>> {
          for (;;) {
            if (head < queue.length) {
              const value = queue[head]!;
              queue[head++] = undefined as T; // let it be collected
              if (head > 1024 && head * 2 > queue.length) {
                queue.splice(0, head);
                head = 0;
              }
              return { value, done: false };
            }
            if (failure) throw failure.error;
            if (done) return { value: undefined, done: true };
            await new Promise<void>((resolve) => {
              wake = resolve;
            });
            wake = undefined;
          }
        },
        async return(): Promise<IteratorResult<T>> {
          subscription.unsubscribe();
          done = true;
          return { value: undefined, done: true };
        },
      };
    },
  };
}
