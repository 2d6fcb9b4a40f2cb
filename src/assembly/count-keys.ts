/**
 * The number of enumerable keys of `o`. Assemblers compare it with the number of known fields
 * they read by name: equal means the object has no field they do not know, and no walk over
 * its keys is needed to find one (a `for…in` that only counts is cheaper than one that compares).
 */
export function countKeys(o: object): number {
  let n = 0;
  for (const _ in o) n++;
  return n;
}
