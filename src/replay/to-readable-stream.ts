import type { Observable, Subscription } from 'rxjs';

/**
 * A web `ReadableStream` over an Observable. The subscription starts on the first read (not
 * when the stream is made), so a replay's clock starts when someone reads; cancelling the
 * stream unsubscribes. Values the Observable pushes faster than they are read wait in the
 * stream's queue.
 *
 * @example
 * ```ts
 * const body = toReadableStream(replay(recording));
 * for await (const piece of body) console.log(piece.byteLength);
 * ```
 */
export function toReadableStream<T>(source: Observable<T>): ReadableStream<T> {
  let subscription: Subscription | undefined;
  return new ReadableStream<T>(
    {
      pull(controller) {
        if (subscription) return;
        subscription = source.subscribe({
          next: (value) => controller.enqueue(value),
          error: (error: unknown) => controller.error(error),
          complete: () => controller.close(),
        });
      },
      cancel() {
        subscription?.unsubscribe();
      },
    },
    // No read-ahead: `pull` runs only when a read is waiting.
    { highWaterMark: 0 },
  );
}
