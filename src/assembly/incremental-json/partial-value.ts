/**
 * The value side of the incremental JSON parser: the copy of the open containers that
 * `snapshot()` hands out. (Values are stored with setOwnField, as JSON.parse stores them.)
 */
import { setOwnField } from '../own-field.js';

export type JsonObject = Record<string, unknown>;
export type Container = unknown[] | JsonObject;

/**
 * Shallow copies of the `depth` open containers `stack[0..depth)` (outermost first), each copy
 * holding the copy of the next one in its open slot (the last item of an array, `keys[k]` of an
 * object); closed children are shared. Returns the copy of the root and the number of entries
 * copied (the cost: the total size of the open containers).
 */
export function copyOpenContainers(
  stack: readonly Container[],
  isArray: readonly boolean[],
  keys: readonly string[],
  depth: number,
): { root: unknown; copied: number } {
  let child: unknown;
  let copied = 0;
  for (let k = depth - 1; k >= 0; k--) {
    if (isArray[k]) {
      const a = (stack[k] as unknown[]).slice();
      if (k < depth - 1) a[a.length - 1] = child;
      copied += a.length;
      child = a;
    } else {
      const o = { ...(stack[k] as JsonObject) };
      if (k < depth - 1) setOwnField(o, keys[k], child);
      copied += Object.keys(o).length;
      child = o;
    }
  }
  return { root: child, copied };
}
