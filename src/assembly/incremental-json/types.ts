import type { LimitError, ParseError } from '../../errors.js';

/** A path into a JSON value: object keys and array indices, outermost first. */
export type JsonPath = ReadonlyArray<string | number>;

/** Options for {@link createIncrementalJson}. */
export interface IncrementalJsonOptions {
  /**
   * Most containers (`[`/`{`) that may be open at once. Deeper input fails with a
   * `LimitError` (code `limit`, `limitName: 'maxDepth'`). Default: no limit — the parser uses an
   * explicit stack, so depth costs memory only, never call stack.
   */
  maxDepth?: number;
}

/**
 * An incremental JSON parser: feed it the text in fragments cut anywhere, read the partial value
 * after any fragment, and get the final value (equal to `JSON.parse` of the whole text) at the end.
 *
 * ## Partial values
 * - strings grow as their characters arrive (a high surrogate at the end of a fragment is held
 *   back until its pair arrives, so a partial string never ends in half a character);
 * - an object key appears once its key string is complete and its value has started: with `""`
 *   for a string value, `{}`/`[]` for a container value, and only once complete for a number,
 *   `true`, `false` or `null` (a number is complete when a delimiter follows it, or at `end()`);
 * - arrays gain items by the same rules.
 *
 * ## Identity and cost
 * Closed values (every value not on {@link IncrementalJson.openPath}) are final: they are never
 * touched again, so consecutive partials share them by identity. The containers still open (the
 * root down to the innermost open container) are *live*: `partial()` returns the same objects,
 * which grow in place. So between two `partial()` calls, only the values on the *previous* open
 * path can have changed; everything else that was there is identity-equal and unchanged. That
 * keeps `feed` + `partial` at O(fragment length + depth), whatever the size of the value. If you
 * need a new identity for every changed container (React state), call
 * {@link IncrementalJson.snapshot}, which pays a copy of the open containers.
 *
 * Treat partial values as read-only: the parser keeps writing into the open containers. `end()`
 * returns the same objects, complete; from then on they are yours.
 *
 * @example
 * ```ts
 * const json = createIncrementalJson();
 * json.feed('{"users":[{"name":"Al');
 * json.partial();  // { users: [ { name: 'Al' } ] }
 * json.openPath(); // ['users', 0, 'name']
 * json.feed('ice","age":4');
 * json.partial();  // { users: [ { name: 'Alice' } ] }  (age appears when the number is complete)
 * json.feed('2}]}');
 * json.end();      // { users: [ { name: 'Alice', age: 42 } ] }
 * ```
 */
export interface IncrementalJson {
  /**
   * Parses one more fragment. Never throws: invalid JSON sets {@link error} (further fragments are
   * then only appended to {@link text}). Ignored after {@link end}.
   */
  feed(fragment: string): void;
  /**
   * The partial value so far, `undefined` until some value exists. Open containers are live (see
   * above); closed subtrees are shared with every later partial. O(1).
   */
  partial(): unknown;
  /**
   * Like {@link partial}, but each open container is a fresh shallow copy whenever anything changed
   * or closed since the previous `snapshot()` (else the previous result is returned), so a changed
   * value always has a new identity and closed subtrees are still shared. Costs O(total size of
   * the open containers) when something changed: fine for small values, quadratic over the stream
   * of a growing array of many items, where {@link partial} is the right tool.
   */
  snapshot(): unknown;
  /**
   * Path of the innermost value being parsed, e.g. `['users', 3, 'name']`. Includes the slot of a
   * number or literal being read (not yet visible in the partial); ends at the container while
   * the parser is between values or reading a key; `[]` before anything started, while the root
   * itself is the innermost open value, and once {@link done}. O(depth).
   */
  openPath(): JsonPath;
  /**
   * Ends the input and returns the final value, equal to `JSON.parse(text)`. Throws the
   * `ParseError` (incomplete or invalid input, `no JSON value` for empty input) or `LimitError`.
   * Idempotent: later calls return the same value or throw the same error.
   */
  end(): unknown;
  /**
   * The first error found, if any: a `ParseError` whose message names the character (UTF-16)
   * offset and the offending character, with `offset` = the UTF-8 byte offset and `excerpt` = the
   * text around it; or a `LimitError` for `maxDepth`.
   */
  readonly error: ParseError | LimitError | undefined;
  /** All the text fed so far (kept even after an error). */
  readonly text: string;
  /** True once a complete top-level value has been parsed (a top-level number: at a delimiter or `end()`). */
  readonly done: boolean;
}
