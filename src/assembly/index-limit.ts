/**
 * The largest `index` a choice or a tool call may have. Slots are kept in maps and sorted when
 * a snapshot needs them, so an index costs nothing by its size; the limit is there so that a
 * hostile or broken server (`"index": 1e15`) gets a LimitError instead of a response with a
 * sparse, absurd list, and so that positions stay exact small integers everywhere.
 */
import { LimitError } from '../errors.js';

export const MAX_INDEX = 1_000_000;

/** A LimitError naming the field (`choices[0].index`), the value and the limit. */
export function indexLimitError(path: string, value: number, position: { line?: number; event?: number } | undefined): LimitError {
  return new LimitError('index', MAX_INDEX, `${path} is ${value}, above the largest index chunkwise accepts (${MAX_INDEX})`, position ? { ...position } : {});
}
