/**
 * Snapshots must cost O(1) per chunk, yet a snapshot must not change after it was taken.
 * Lists that only grow (logprob tokens, tool calls) are therefore shared between the assembler
 * and all snapshots, and a snapshot holds "the first `length` items" of the shared list: a
 * property whose value, a plain array, is cut from the list the first time somebody reads it.
 *
 * The property is an enumerable getter that replaces itself with the value on first read,
 * so `JSON.stringify`, `structuredClone` and deep equality see an ordinary array.
 */
export function definePrefixProperty<T>(target: object, key: string, list: readonly T[], length: number): void {
  defineLazyProperty(target, key, () => (length === list.length ? list.slice() : list.slice(0, length)));
}

/**
 * An enumerable property whose value is built by `build` on first read (then kept as a plain
 * data property); assigning to it first skips the build.
 */
export function defineLazyProperty(target: object, key: string, build: () => unknown): void {
  Object.defineProperty(target, key, {
    enumerable: true,
    configurable: true,
    get() {
      const value = build();
      Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true });
      return value;
    },
    set(value: unknown) {
      Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true });
    },
  });
}
