/**
 * Snapshots must cost O(1) per chunk, yet a snapshot must not change after it was taken.
 * Lists that only grow (logprob tokens) are therefore shared between the assembler and all
 * snapshots, and a snapshot holds "the first `length` items" of the shared list: a property
 * whose value, a plain array, is cut from the list the first time somebody reads it.
 *
 * The property is an enumerable getter that replaces itself with the array on first read,
 * so `JSON.stringify`, `structuredClone` and deep equality see an ordinary array.
 */
export function definePrefixProperty<T>(target: object, key: string, list: readonly T[], length: number): void {
  Object.defineProperty(target, key, {
    enumerable: true,
    configurable: true,
    get() {
      const value = length === list.length ? list.slice() : list.slice(0, length);
      Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true });
      return value;
    },
    set(value: unknown) {
      Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true });
    },
  });
}
