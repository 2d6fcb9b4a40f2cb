/**
 * Incremental JSON: parse JSON text that arrives in fragments cut anywhere (tool-call arguments,
 * structured outputs), read the partial value after any fragment, get `JSON.parse`'s result at
 * the end. Linear time; closed subtrees are shared between partial values.
 *
 * @example
 * ```ts
 * const json = createIncrementalJson();
 * for await (const delta of argumentDeltas) {
 *   json.feed(delta);
 *   if (json.error) break;
 *   render(json.partial(), json.openPath());
 * }
 * const args = json.end(); // throws the ParseError if the text was not valid JSON
 * ```
 */
import { checkOptions } from './check-options.js';
import { IncrementalJsonParser } from './incremental-json/parser.js';
import type { IncrementalJson, IncrementalJsonOptions } from './incremental-json/types.js';

export type { IncrementalJson, IncrementalJsonOptions, JsonPath } from './incremental-json/types.js';

/**
 * Creates an {@link IncrementalJson} parser. Throws a `UsageError` for an invalid `maxDepth`.
 *
 * @example
 * ```ts
 * const json = createIncrementalJson({ maxDepth: 512 });
 * json.feed('{"city":"Par');
 * json.partial(); // { city: 'Par' }
 * json.feed('is","days":[1,');
 * json.partial(); // { city: 'Paris', days: [1] }
 * json.openPath(); // ['days']
 * json.feed('2]}');
 * json.end(); // { city: 'Paris', days: [1, 2] }
 * ```
 */
export function createIncrementalJson(options?: IncrementalJsonOptions): IncrementalJson {
  checkOptions('createIncrementalJson', options, ['maxDepth']);
  return new IncrementalJsonParser(options);
}

