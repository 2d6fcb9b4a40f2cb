/**
 * The largest `index` a choice or a tool call may have. Slots are kept in maps and sorted when
 * a snapshot needs them, so an index costs nothing by its size; the limit is there so that a
 * hostile or broken server (`"index": 1e15`) gets a LimitError instead of a response with a
 * sparse, absurd list, and so that positions stay exact small integers everywhere.
 */
import { LimitError } from '../errors.js';

export const MAX_INDEX = 1_000_000;

/**
 * A LimitError naming the field (`choices[0].index`), the value and the limit (`max`: the
 * Responses API's part and item lists are dense, and take a lower one).
 */
export function indexLimitError(path: string, value: number, position: { line?: number; event?: number } | undefined, max = MAX_INDEX): LimitError {
  return new LimitError('index', max, `${path} is ${value}, above the largest index chunkwise accepts (${max})`, position ? { ...position } : {});
}
