/** Counts the events of the last `windowMs`: push times in order, ask how many are recent. */
export interface TimeWindowCounter {
  /** Records an event at `time` (times must not decrease). */
  add(time: number): void;
  /** Events with time in `(now - windowMs, now]`, dropping older ones. */
  countAt(now: number): number;
}

/**
 * A sliding-window event counter on a ring buffer of times: amortised O(1) per event. The
 * buffer doubles when a burst fills it, so it holds at most one window's events.
 *
 * @example
 * ```ts
 * const window = timeWindowCounter(1000);
 * window.add(0); window.add(600);
 * window.countAt(1200); // 1 (the event at 0 left the window at 1000)
 * ```
 */
export function timeWindowCounter(windowMs: number): TimeWindowCounter {
  let times = new Float64Array(16);
  let head = 0; // index of the oldest time
  let size = 0;

  const evict = (now: number) => {
    while (size > 0 && times[head]! <= now - windowMs) {
      head = (head + 1) & (times.length - 1);
      size--;
    }
  };
  const grow = () => {
    const bigger = new Float64Array(times.length * 2);
    for (let i = 0; i < size; i++) bigger[i] = times[(head + i) & (times.length - 1)]!;
    times = bigger;
    head = 0;
  };

  return {
    add(time) {
      evict(time);
      if (size === times.length) grow();
      times[(head + size) & (times.length - 1)] = time;
      size++;
    },
    countAt(now) {
      evict(now);
      return size;
    },
  };
}
