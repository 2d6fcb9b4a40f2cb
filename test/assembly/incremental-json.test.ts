import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../helpers/seeded-random.js';
import { LimitError, ParseError, UsageError } from '../../src/errors.js';
import { createIncrementalJson, type IncrementalJson, type JsonPath } from '../../src/assembly/incremental-json.js';
import { IncrementalJsonParser } from '../../src/assembly/incremental-json/parser.js';

// ---------------------------------------------------------------------------------------------
// Helpers

/** Cuts `text` into fragments whose sizes cycle through `sizes`. */
function cut(text: string, sizes: readonly number[]): string[] {
  const out: string[] = [];
  let k = 0;
  for (let i = 0; i < text.length; k++) {
    const size = sizes[k % sizes.length];
    out.push(text.slice(i, i + size));
    i += size;
  }
  return out;
}

/** Every way to cut `text` into 2 and 3 fragments. */
function* allSplits(text: string): Generator<string[]> {
  for (let a = 0; a <= text.length; a++) {
    yield [text.slice(0, a), text.slice(a)];
    for (let b = a; b <= text.length; b++) yield [text.slice(0, a), text.slice(a, b), text.slice(b)];
  }
}

function parseFragments(fragments: readonly string[]): unknown {
  const json = createIncrementalJson();
  for (const f of fragments) json.feed(f);
  return json.end();
}

const SHORT_ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** Random JSON whitespace (often none). */
function ws(r: () => number): string {
  if (r() < 0.6) return '';
  let s = '';
  const n = 1 + Math.floor(r() * 3);
  for (let i = 0; i < n; i++) s += ' \t\n\r'[Math.floor(r() * 4)];
  return s;
}

/** A JSON string literal for `s` with randomly chosen escapes (\uXXXX in either case, \/, ...). */
function encodeString(s: string, r: () => number): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    const code = s.charCodeAt(i);
    const hex = () => {
      const h = code.toString(16).padStart(4, '0');
      return `\\u${r() < 0.5 ? h : h.toUpperCase()}`;
    };
    if (SHORT_ESCAPES[ch] !== undefined) out += r() < 0.8 ? SHORT_ESCAPES[ch] : hex();
    else if (code < 0x20) out += hex();
    else if (ch === '/' && r() < 0.5) out += '\\/';
    else if (r() < 0.1) out += hex();
    else out += ch;
  }
  return `${out}"`;
}

/** JSON text for `value` with random whitespace between all tokens and random string escapes. */
function serialize(value: unknown, r: () => number): string {
  let out = ws(r);
  if (value === null || typeof value === 'boolean' || typeof value === 'number') out += JSON.stringify(value);
  else if (typeof value === 'string') out += encodeString(value, r);
  else if (Array.isArray(value)) {
    out += `[${value.length === 0 ? ws(r) : value.map((v) => serialize(v, r)).join(',')}]`;
  } else {
    const entries = Object.entries(value as Record<string, unknown>);
    out += `{${entries.length === 0 ? ws(r) : entries.map(([k, v]) => `${ws(r)}${encodeString(k, r)}${ws(r)}:${serialize(v, r)}`).join(',')}}`;
  }
  return out + ws(r);
}

/** UTF-16 units of every kind: lone surrogates, pairs, controls, quotes, backslashes, ASCII. */
const unit = fc.oneof(
  fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
  fc.constantFrom('"', '\\', '/', '\n', '\u0000', '😀', 'é', '\u2028', '\ud83d', '\ude00'),
  fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }),
);
const jsonValue = fc.jsonValue({ stringUnit: unit, maxDepth: 5 });
const fragmentSizes = fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 6 });

const isHigh = (c: number) => (c & 0xfc00) === 0xd800;
const isLow = (c: number) => (c & 0xfc00) === 0xdc00;

/**
 * Checks that `p` (a partial value taken with open path `open`) is a partial of the final value
 * `f`: values off the open path are complete (deep-equal), strings on it are prefixes that do not
 * end in half a surrogate pair, containers on it have a subset of the items/keys, numbers and
 * literals are exact. Returns a description of the first violation.
 */
function partialViolation(p: unknown, f: unknown, open: JsonPath, path: Array<string | number> = []): string | undefined {
  const where = JSON.stringify(path);
  if (p === undefined && path.length === 0) return undefined; // nothing visible yet
  const onPath = path.length <= open.length && path.every((k, i) => open[i] === k);
  if (!onPath) return isDeepStrictEqual(p, f) ? undefined : `closed value at ${where} differs from the final value`;
  if (typeof p === 'string') {
    if (typeof f !== 'string' || !f.startsWith(p)) return `string at ${where} is not a prefix`;
    if (p.length > 0 && isHigh(p.charCodeAt(p.length - 1)) && isLow(f.charCodeAt(p.length))) {
      return `string at ${where} ends in half a surrogate pair`;
    }
    return undefined;
  }
  if (p === null || typeof p !== 'object') return Object.is(p, f) ? undefined : `scalar at ${where} differs`;
  if (Array.isArray(p)) {
    if (!Array.isArray(f) || p.length > f.length) return `array at ${where} is not a partial of the final array`;
    for (let i = 0; i < p.length; i++) {
      const v = partialViolation(p[i], f[i], open, [...path, i]);
      if (v) return v;
    }
    return undefined;
  }
  if (f === null || typeof f !== 'object' || Array.isArray(f)) return `object at ${where} is not an object in the final value`;
  const finalKeys = Object.keys(f);
  const keys = Object.keys(p);
  // keys appear in the final order
  const positions = keys.map((k) => finalKeys.indexOf(k));
  if (positions.some((x, i) => x < 0 || (i > 0 && x < positions[i - 1]))) return `keys at ${where} are not a subsequence of the final keys`;
  for (const k of keys) {
    const v = partialViolation((p as Record<string, unknown>)[k], (f as Record<string, unknown>)[k], open, [...path, k]);
    if (v) return v;
  }
  return undefined;
}

/** The closed values among the children of the open containers, with their paths (for identity checks). */
function closedChildren(root: unknown, open: JsonPath, done: boolean): Array<[JsonPath, unknown]> {
  const out: Array<[JsonPath, unknown]> = [];
  if (done || root === null || typeof root !== 'object') return out;
  let node: unknown = root;
  for (let depth = 0; node !== null && typeof node === 'object'; depth++) {
    const prefix = open.slice(0, depth);
    for (const [k, v] of Object.entries(node)) {
      const key = Array.isArray(node) ? Number(k) : k;
      if (depth < open.length && open[depth] === key) continue;
      if (v !== null && typeof v === 'object') out.push([[...prefix, key], v]);
    }
    if (depth >= open.length) break;
    node = (node as Record<string | number, unknown>)[open[depth]];
  }
  return out;
}

function at(root: unknown, path: JsonPath): unknown {
  let node = root;
  for (const k of path) node = (node as Record<string | number, unknown>)[k];
  return node;
}

/** Feeds the fragments checking every partial (and snapshot) along the way; returns the final value. */
function feedChecking(fragments: readonly string[], expected: unknown): unknown {
  const json = createIncrementalJson();
  let previousClosed: Array<[JsonPath, unknown]> = [];
  let previousSnapshotClosed: Array<[JsonPath, unknown]> = [];
  for (const fragment of fragments) {
    json.feed(fragment);
    expect(json.error).toBeUndefined();
    const partial = json.partial();
    const open = json.openPath();
    const violation = json.done ? (isDeepStrictEqual(partial, expected) ? undefined : 'done but not final') : partialViolation(partial, expected, open);
    if (violation) throw new Error(`${violation} after ${JSON.stringify(json.text)}: ${JSON.stringify(partial)} open ${JSON.stringify(open)}`);
    for (const [path, value] of previousClosed) expect(at(partial, path)).toBe(value);
    previousClosed = closedChildren(partial, open, json.done);
    const snapshot = json.snapshot();
    expect(snapshot).toStrictEqual(partial);
    for (const [path, value] of previousSnapshotClosed) expect(at(snapshot, path)).toBe(value);
    previousSnapshotClosed = closedChildren(snapshot, open, json.done);
  }
  return json.end();
}

// ---------------------------------------------------------------------------------------------

describe('createIncrementalJson', () => {
  it('gives the same final value as JSON.parse for arbitrary JSON texts cut into arbitrary fragments', () => {
    fc.assert(
      fc.property(jsonValue, fc.integer(), fragmentSizes, (value, seed, sizes) => {
        const text = serialize(value, seededRandom(seed));
        expect(parseFragments(cut(text, sizes))).toStrictEqual(JSON.parse(text));
      }),
      { numRuns: 400 },
    );
  });

  it('gives the same final value as JSON.parse for JSON.stringify output with any indentation fed one character at a time', () => {
    fc.assert(
      fc.property(fc.json({ maxDepth: 4 }), fc.constantFrom(undefined, 0, 1, 2, '\t', ' \r\n'), (json, indent) => {
        const text = JSON.stringify(JSON.parse(json), null, indent as string | number | undefined);
        expect(parseFragments(cut(text, [1]))).toStrictEqual(JSON.parse(text));
        expect(parseFragments([text])).toStrictEqual(JSON.parse(text));
      }),
      { numRuns: 200 },
    );
  });

  it('keeps every partial value a prefix of the final value and shares the closed subtrees between partials', () => {
    fc.assert(
      fc.property(jsonValue, fc.integer(), fragmentSizes, (value, seed, sizes) => {
        const text = serialize(value, seededRandom(seed));
        const expected = JSON.parse(text);
        expect(feedChecking(cut(text, sizes), expected)).toStrictEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('returns undefined as the partial value until a value has started', () => {
    const json = createIncrementalJson();
    expect(json.partial()).toBeUndefined();
    json.feed('  \n ');
    expect(json.partial()).toBeUndefined();
    json.feed('12');
    expect(json.partial()).toBeUndefined();
    json.feed('3 ');
    expect(json.partial()).toBe(123);
    expect(json.done).toBe(true);
    expect(json.end()).toBe(123);
  });

  it('shows a key once its value has started, strings as they grow, and numbers and literals only when complete', () => {
    const json = createIncrementalJson();
    const steps: Array<[string, unknown, JsonPath]> = [
      ['{"na', {}, []],
      ['me"', {}, []],
      [': ', {}, []],
      ['"Ad', { name: 'Ad' }, ['name']],
      ['a", "age": 3', { name: 'Ada' }, ['age']],
      ['6', { name: 'Ada' }, ['age']],
      [', "ok": tr', { name: 'Ada', age: 36 }, ['ok']],
      ['ue, "tags": [', { name: 'Ada', age: 36, ok: true, tags: [] }, ['tags']],
      ['"x", nul', { name: 'Ada', age: 36, ok: true, tags: ['x'] }, ['tags', 1]],
      ['l, {"k": [', { name: 'Ada', age: 36, ok: true, tags: ['x', null, { k: [] }] }, ['tags', 2, 'k']],
      ['1.5e-', { name: 'Ada', age: 36, ok: true, tags: ['x', null, { k: [] }] }, ['tags', 2, 'k', 0]],
      ['7]}]}', { name: 'Ada', age: 36, ok: true, tags: ['x', null, { k: [1.5e-7] }] }, []],
    ];
    for (const [fragment, partial, open] of steps) {
      json.feed(fragment);
      expect(json.partial(), fragment).toStrictEqual(partial);
      expect(json.openPath(), fragment).toStrictEqual(open);
    }
    expect(json.done).toBe(true);
  });

  it('reports the open path into arrays of records', () => {
    const json = createIncrementalJson();
    json.feed('{"users": [{"name": "a"}, {"name": "b"}, {"name": "c"}, {"name": "Gra');
    expect(json.openPath()).toStrictEqual(['users', 3, 'name']);
    json.partial();
    expect(json.openPath()).toStrictEqual(['users', 3, 'name']);
    json.feed('ce"}');
    expect(json.openPath()).toStrictEqual(['users']);
    json.feed(', "');
    expect(json.openPath()).toStrictEqual(['users', 4]);
    expect(json.partial()).toStrictEqual({ users: [{ name: 'a' }, { name: 'b' }, { name: 'c' }, { name: 'Grace' }, ''] });
    expect(json.openPath()).toStrictEqual(['users', 4]);
  });

  it('parses top-level scalars, whitespace everywhere and empty containers', () => {
    for (const text of ['0', '-0', ' "x" ', 'true', '\tfalse\n', 'null', '1e3', '-12.5E+2', '[ ]', '{ }', ' [ 1 , { "a" : [ ] } ] ', '""', '[[],[[]],{}]']) {
      expect(parseFragments(cut(text, [1]))).toStrictEqual(JSON.parse(text));
      expect(parseFragments([text])).toStrictEqual(JSON.parse(text));
    }
  });

  it('completes a top-level number only at a delimiter or at the end', () => {
    const json = createIncrementalJson();
    json.feed('42');
    expect(json.done).toBe(false);
    expect(json.partial()).toBeUndefined();
    expect(json.end()).toBe(42);
    expect(json.done).toBe(true);
  });

  it('gives the same value as JSON.parse for every split of escapes, surrogate pairs, numbers and literals', () => {
    const texts = [
      '"\\ud83d\\ude00"',
      '["\\u00E9\\u00e9", "a\\"b\\\\c\\/d\\b\\f\\n\\r\\t"]',
      '{"k\\u0041y": "\\uD83D\\uDE00!"}',
      '"😀é😀"',
      '"\\ud83d"',
      '"\\ude00\\ud83d"',
      '[-1.5e-7, 0.25, -0, 1E+2, 12345678901234567890]',
      '[true, false, null]',
      '{"t":true,"f":false,"n":null}',
    ];
    for (const text of texts) {
      const expected = JSON.parse(text);
      for (const fragments of allSplits(text)) expect(feedChecking(fragments, expected)).toStrictEqual(expected);
    }
  });

  it('never shows half of a surrogate pair in a partial string', () => {
    const json = createIncrementalJson();
    json.feed('"a\\ud83d');
    expect(json.partial()).toBe('a');
    json.feed('\\ude00');
    expect(json.partial()).toBe('a😀');
    json.feed('b\ud83d');
    expect(json.partial()).toBe('a😀b');
    json.feed('\ude00');
    expect(json.partial()).toBe('a😀b😀');
    json.feed('\ud83d"');
    expect(json.end()).toBe('a😀b😀\ud83d');
  });

  it('keeps lone surrogates as JSON.parse does', () => {
    for (const text of ['"\\ud800x"', '"\\udc00"', '"\\ud800"', '["\ud800", "\udc00\ud800"]']) {
      for (const fragments of allSplits(text)) expect(parseFragments(fragments)).toStrictEqual(JSON.parse(text));
    }
  });

  it('stores __proto__ keys as own properties like JSON.parse', () => {
    const text = '{"__proto__": {"polluted": true}, "a": {"__proto__": [1]}}';
    for (const fragments of [[text], cut(text, [3])]) {
      const value = parseFragments(fragments) as Record<string, unknown>;
      expect(value).toStrictEqual(JSON.parse(text));
      expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
      expect(Object.keys(value)).toStrictEqual(['__proto__', 'a']);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    }
  });

  it('keeps the last value of a duplicate key in the position of the first like JSON.parse', () => {
    const text = '{"a": 1, "b": 2, "a": "three"}';
    expect(Object.entries(parseFragments(cut(text, [2])) as object)).toStrictEqual(Object.entries(JSON.parse(text)));
  });
});

describe('structural sharing', () => {
  const records = Array.from({ length: 300 }, (_, i) => ({ id: i, name: `user ${i}`, tags: ['a', 'b'], address: { city: 'X', zip: `${i}` } }));
  const text = JSON.stringify({ users: records, done: true });

  it('keeps the earlier items of a growing array identity-equal from one partial to the next', () => {
    const json = createIncrementalJson();
    let previous: unknown[] = [];
    let checked = 0;
    let different = 0;
    for (const fragment of cut(text, [8])) {
      json.feed(fragment);
      const users = (json.partial() as { users?: unknown[] }).users ?? [];
      // every item that was closed in the previous partial is the very same object now
      for (let i = 0; i < previous.length - 1; i++) if (users[i] !== previous[i]) different++;
      checked += Math.max(0, previous.length - 1);
      previous = [...users];
    }
    const final = json.end() as { users: unknown[] };
    for (let i = 0; i < previous.length; i++) expect(final.users[i]).toBe(previous[i]);
    expect(final).toStrictEqual(JSON.parse(text));
    expect(different).toBe(0);
    expect(checked).toBeGreaterThan(100_000);
  });

  it('keeps the open containers live so that partial() costs nothing to take', () => {
    const json = createIncrementalJson();
    json.feed('{"users": [{"id": 1}, {"id"');
    const first = json.partial() as { users: unknown[] };
    const item0 = first.users[0];
    json.feed(': 2}, {"id": 3');
    const second = json.partial() as { users: unknown[] };
    expect(second).toBe(first); // same live root
    expect(second.users[0]).toBe(item0); // closed item shared
    expect(second).toStrictEqual({ users: [{ id: 1 }, { id: 2 }, {}] });
  });

  it('gives every changed open container a new identity in snapshot() and shares the rest', () => {
    const json = createIncrementalJson();
    json.feed('{"meta": {"a": 1}, "users": [{"id": 1}, {"name": "Al');
    const s1 = json.snapshot() as { meta: unknown; users: Array<{ name?: string }> };
    expect(s1).toStrictEqual({ meta: { a: 1 }, users: [{ id: 1 }, { name: 'Al' }] });
    expect(json.snapshot()).toBe(s1); // nothing changed: same snapshot
    json.feed('ice');
    const s2 = json.snapshot() as typeof s1;
    json.feed('"  ');
    const s3 = json.snapshot() as typeof s1;
    json.feed('\n ');
    expect(json.snapshot()).toBe(s3); // only whitespace: same snapshot
    expect(s2).not.toBe(s1);
    expect(s2.users).not.toBe(s1.users);
    expect(s2.users[1]).not.toBe(s1.users[1]);
    expect(s2.meta).toBe(s1.meta);
    expect(s2.users[0]).toBe(s1.users[0]);
    expect(s1.users[1].name).toBe('Al'); // an earlier snapshot never changes
    expect(s2.users[1].name).toBe('Alice');
  });
});

describe('cost per fragment', () => {
  function recordsText(count: number): string {
    return JSON.stringify({ items: Array.from({ length: count }, (_, i) => ({ id: i, name: `item ${i}`, tags: ['x', 'y'], score: i / 7 })) });
  }

  /** Work units of feed(fragment) + partial() + openPath() for each 8-character fragment. */
  function workPerFragment(text: string, take: 'partial' | 'snapshot'): number[] {
    const parser = new IncrementalJsonParser();
    const work: number[] = [];
    for (const fragment of cut(text, [8])) {
      const before = parser.workUnits;
      parser.feed(fragment);
      if (take === 'partial') parser.partial();
      else parser.snapshot();
      parser.openPath();
      work.push(parser.workUnits - before);
    }
    parser.end();
    return work;
  }

  it('does not grow with the size of the value for feed plus partial plus openPath', () => {
    const small = workPerFragment(recordsText(50), 'partial');
    const large = workPerFragment(recordsText(5000), 'partial');
    // bounded by the fragment length and the depth (at most 4 here), not by the value size
    const bound = 3 * 8 + 4 + 2;
    expect(Math.max(...small)).toBeLessThanOrEqual(bound);
    expect(Math.max(...large)).toBeLessThanOrEqual(bound);
    expect(Math.max(...large)).toBe(Math.max(...small));
  });

  it('grows with the size of the open containers for snapshot, as documented', () => {
    const small = workPerFragment(recordsText(50), 'snapshot');
    const large = workPerFragment(recordsText(5000), 'snapshot');
    expect(Math.max(...large)).toBeGreaterThan(50 * Math.max(...small) / 5);
    expect(Math.max(...large)).toBeGreaterThan(5000);
  });

  it('takes a partial value in constant work whatever was fed before', () => {
    const parser = new IncrementalJsonParser();
    parser.feed(recordsText(2000).slice(0, -20));
    const before = parser.workUnits;
    for (let i = 0; i < 100; i++) parser.partial();
    expect(parser.workUnits - before).toBe(0);
  });
});

describe('invalid JSON', () => {
  const cases: Array<[text: string, charOffset: number, offending: string]> = [
    ['[1,]', 3, "']'"],
    ['{"a":1,}', 7, "'}'"],
    ['{"a" 1}', 5, "'1'"],
    ['{1:2}', 1, "'1'"],
    ['[1 2]', 3, "'2'"],
    ['01', 1, "'1'"],
    ['-x', 1, "'x'"],
    ['1.e5', 2, "'e'"],
    ['1e+', 3, 'end of input'],
    ['[tru]', 4, "']'"],
    ['nul', 3, 'end of input'],
    ['[1] x', 4, "'x'"],
    ['"a\nb"', 2, '"\\n" (U+000A)'],
    ['"\\x"', 2, "'x'"],
    ['"\\u12G4"', 5, "'G'"],
    ['{"é": [1, }', 10, "'}'"],
    ["'single'", 0, "'''"],
    ['[1', 2, 'end of input'],
    ['{"a": "b', 8, 'end of input'],
    ['\ufeff[]', 0, "'\ufeff' (U+FEFF)"],
    ['[1,\u00a0 2]', 3, "'\u00a0' (U+00A0)"],
  ];

  it.each(cases)('reports %j at character %i naming %s', (text, charOffset, offending) => {
    expect(() => JSON.parse(text)).toThrow();
    for (const fragments of [[text], cut(text, [1])]) {
      const json = createIncrementalJson();
      for (const f of fragments) json.feed(f); // never throws
      let error: unknown;
      try {
        json.end();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ParseError);
      expect(json.error).toBe(error);
      const message = (error as ParseError).message;
      expect(message).toContain(`at character ${charOffset}`);
      expect(message).toContain(offending === 'end of input' ? 'unexpected end of input' : `unexpected ${offending}`);
      expect((error as ParseError).offset).toBe(new TextEncoder().encode(text.slice(0, charOffset)).length);
      expect((error as ParseError).code).toBe('parse');
    }
  });

  it('sets error from feed without throwing and keeps all the text fed', () => {
    const json = createIncrementalJson();
    json.feed('{"a": [1, 2');
    json.feed(' x, 3]');
    expect(json.error).toBeInstanceOf(ParseError);
    expect(json.error?.message).toContain("unexpected 'x' at character 12");
    expect(json.error?.excerpt).toBe('{"a": [1, 2 x, 3]');
    json.feed('}');
    expect(json.text).toBe('{"a": [1, 2 x, 3]}');
    expect(json.partial()).toStrictEqual({ a: [1, 2] });
    expect(() => json.end()).toThrow(json.error);
    expect(() => json.end()).toThrow(json.error);
  });

  it('reports empty input as no JSON value', () => {
    for (const text of ['', '   \n\t']) {
      const json = createIncrementalJson();
      json.feed(text);
      expect(() => json.end()).toThrow(/no JSON value/);
    }
    expect(() => createIncrementalJson().end()).toThrow(ParseError);
  });

  it('reports an unclosed string with the offset where it started', () => {
    const json = createIncrementalJson();
    json.feed('{"a": "bc');
    expect(() => json.end()).toThrow(/the string that starts at character 6 is not closed \(1 unclosed container\)/);
  });

  it('ignores fragments fed after end', () => {
    const json = createIncrementalJson();
    json.feed('[1]');
    expect(json.end()).toStrictEqual([1]);
    json.feed('garbage');
    expect(json.error).toBeUndefined();
    expect(json.end()).toStrictEqual([1]);
  });
});

describe('deep nesting', () => {
  function depthOf(value: unknown): number {
    let depth = 0;
    let node = value;
    while (node !== null && typeof node === 'object') {
      depth++;
      node = Array.isArray(node) ? node[0] : Object.values(node)[0];
    }
    return depth;
  }

  it('parses 10,000 levels of arrays and objects without overflowing the stack', () => {
    const levels = 10_000;
    const arrays = `${'['.repeat(levels)}1${']'.repeat(levels)}`;
    const objects = `${'{"a":'.repeat(levels)}"x"${'}'.repeat(levels)}`;
    for (const text of [arrays, objects]) {
      const json = createIncrementalJson();
      for (const f of cut(text, [7])) {
        json.feed(f);
        json.partial();
      }
      expect(json.openPath()).toStrictEqual([]);
      expect(depthOf(json.end())).toBe(levels);
    }
    const open = createIncrementalJson();
    open.feed(`${'{"a":['.repeat(levels)}"x`);
    expect(open.openPath()).toHaveLength(2 * levels);
  });

  it('fails with a LimitError beyond maxDepth', () => {
    const json = createIncrementalJson({ maxDepth: 3 });
    json.feed('[[[1]]]');
    expect(json.error).toBeUndefined();
    const deeper = createIncrementalJson({ maxDepth: 3 });
    deeper.feed('[[[[1]]]]');
    expect(deeper.error).toBeInstanceOf(LimitError);
    expect(deeper.error?.message).toContain('at character 3');
    expect(() => deeper.end()).toThrow(LimitError);
    expect(() => createIncrementalJson({ maxDepth: 0 })).toThrow(UsageError);
  });
});

// Type-level check that the exported interface is what the parser implements.
const _typecheck: IncrementalJson = new IncrementalJsonParser();
void _typecheck;

describe('the public entry', () => {
  it('exports the incremental parser, which behaves as the README shows', async () => {
    const { createIncrementalJson: fromIndex } = await import('../../src/index.js');
    const json = fromIndex();
    json.feed('{"city":"Par');
    expect(json.partial()).toEqual({ city: 'Par' });
    json.feed('is","days":[1,');
    expect(json.partial()).toEqual({ city: 'Paris', days: [1] });
    expect(json.openPath()).toEqual(['days']);
    json.feed('2]}');
    expect(json.end()).toEqual({ city: 'Paris', days: [1, 2] });
  });
});
