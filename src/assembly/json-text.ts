/**
 * The JSON text of a parsed JSON value (tool-call arguments sent as objects: by Ollama always,
 * by some OpenAI-compatible servers too). `JSON.stringify` recurses natively and throws a
 * RangeError past a few thousand levels of nesting, which `JSON.parse` accepts; for such values
 * an explicit stack takes over, with the same output.
 *
 * @example
 * ```ts
 * jsonText({ location: 'Paris, FR' }); // '{"location":"Paris, FR"}'
 * ```
 */
export function jsonText(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
  }
  return jsonTextWithoutRecursion(value);
}

/**
 * JSON text indented by two spaces, as people read it (the CLI, the replay server, sidecars).
 * A value nested too deep for the native recursion comes out compact but whole: indenting N
 * levels would take N² spaces.
 *
 * @example
 * ```ts
 * jsonTextIndented({ a: [1] }); // '{\n  "a": [\n    1\n  ]\n}'
 * ```
 */
export function jsonTextIndented(value: unknown): string {
  try {
    return JSON.stringify(value, null, 2) ?? 'null';
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
  }
  return jsonTextWithoutRecursion(value);
}

/**
 * A field that should hold text but may come as another JSON value (arguments or a delta sent as
 * an object): a string as it is, null or nothing as '', anything else as its JSON text.
 */
export function stringOrJsonText(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : jsonText(value);
}

interface Frame {
  value: Record<string, unknown> | unknown[];
  /** The object's keys; undefined for an array. */
  keys: string[] | undefined;
  next: number;
  /** Something was written into the container (a comma goes before the next member). */
  wrote: boolean;
}

/**
 * JSON.stringify without recursion, for JSON data (no toJSON, no cycles: it came from JSON.parse).
 * With `maxChars`, writing stops once that many characters are out (the text is then cut short):
 * for messages about values of any size and depth.
 */
export function jsonTextWithoutRecursion(root: unknown, maxChars = Infinity): string {
  const out: string[] = [];
  const stack: Frame[] = [];
  let length = 0;
  const put = (...pieces: string[]) => {
    for (const piece of pieces) {
      out.push(piece);
      length += piece.length;
    }
  };
  const write = (value: unknown) => {
    if (typeof value !== 'object' || value === null) {
      put(JSON.stringify(value) ?? 'null');
    } else if (Array.isArray(value)) {
      put('[');
      stack.push({ value, keys: undefined, next: 0, wrote: false });
    } else {
      put('{');
      stack.push({ value: value as Record<string, unknown>, keys: Object.keys(value), next: 0, wrote: false });
    }
  };
  write(root);
  while (stack.length > 0) {
    if (length > maxChars) break;
    const frame = stack[stack.length - 1]!;
    if (frame.keys === undefined) {
      const items = frame.value as unknown[];
      if (frame.next === items.length) {
        put(']');
        stack.pop();
        continue;
      }
      if (frame.wrote) put(',');
      frame.wrote = true;
      const item = items[frame.next++];
      write(isSkipped(item) ? null : item);
      continue;
    }
    const members = frame.value as Record<string, unknown>;
    while (frame.next < frame.keys.length && isSkipped(members[frame.keys[frame.next]!])) frame.next++;
    if (frame.next === frame.keys.length) {
      put('}');
      stack.pop();
      continue;
    }
    if (frame.wrote) put(',');
    frame.wrote = true;
    const key = frame.keys[frame.next++]!;
    put(JSON.stringify(key), ':');
    write(members[key]);
  }
  return out.join('');
}

/**
 * A short JSON excerpt of a value of any depth and size (at most `max` characters, `…` when cut),
 * for error messages about input-controlled values.
 */
export function jsonExcerpt(value: unknown, max = 120): string {
  const text = jsonTextWithoutRecursion(value, max);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** What JSON.stringify leaves out of objects (and writes as null in arrays). */
function isSkipped(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}
