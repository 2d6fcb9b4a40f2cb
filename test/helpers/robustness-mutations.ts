/**
 * Mutations of recorded bodies for the fuzz suite, driven by a seeded PRNG: byte flips, deleted,
 * duplicated and swapped lines, garbage lines, invalid UTF-8, huge numbers, deep nesting, wrong
 * types where objects are expected, chunks for choices and tool calls that never started.
 * Each mutation says what it did, so a failure can be replayed by hand.
 */

export type Random = () => number;

export interface Mutated {
  body: Uint8Array;
  /** What was done, in order: `flip byte 812 (0x22→0x7b)`, `delete line 4`… */
  steps: string[];
  /** Benign mutations only (comments, blank lines, keep-alives): the outcome must not change. */
  benign: boolean;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export const DEPTH = 10_000;
const nestedArray = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const nestedObject = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function int(random: Random, max: number): number {
  return Math.floor(random() * max);
}

/** Splits into lines, keeping each line's end (`\n`, `\r\n`), so that joining gives the body back. */
function linesOf(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** The JSON of a line: the `data:` payload of an SSE line, or the NDJSON line itself. */
function jsonLines(lines: string[]): number[] {
  const out: number[] = [];
  lines.forEach((line, i) => {
    if (/^(data: ?)?\{/.test(line)) out.push(i);
  });
  return out;
}

/** A random JSON line of the body, split into its framing and its parsed value. */
function pickJsonLine(lines: string[], random: () => number): { i: number; parsed: { prefix: string; json: unknown; end: string } } | undefined {
  const candidates = jsonLines(lines);
  if (candidates.length === 0) return undefined;
  const i = pick(random, candidates);
  const parsed = splitJsonLine(lines[i]!);
  return parsed && { i, parsed };
}

function splitJsonLine(line: string): { prefix: string; json: unknown; end: string } | undefined {
  const match = /^(data: ?)?(\{.*\})(\r?\n?)$/.exec(line);
  if (!match) return undefined;
  try {
    return { prefix: match[1] ?? '', json: JSON.parse(match[2]!), end: match[3] ?? '' };
  } catch {
    return undefined;
  }
}

/** Paths into a chunk where an object or array is expected, and wrong values to put there. */
const WRONG_TYPES: Array<[string, string[]]> = [
  ['choices', ['"x"', '5', '{}', 'true', '[5]', '["x"]', '[null]', '[[]]']],
  ['choices.0.delta', ['null', '5', '"x"', '[]', 'true']],
  ['choices.0.delta.content', ['5', '{}', '[]', 'true']],
  ['choices.0.delta.tool_calls', ['{}', '"x"', '5', '[null]', '[5]', '[[]]']],
  ['choices.0.delta.tool_calls.0.function', ['[]', '5', '"x"']],
  ['choices.0.delta.tool_calls.0.function.arguments', ['{}', '5', 'null', '[]', 'true']],
  ['choices.0.delta.tool_calls.0.index', ['-1', '1.5', '"0"', '1e400', '4294967296', '9007199254740993']],
  ['choices.0.index', ['-1', '1.5', '"0"', '1e400', '4294967296', 'null']],
  ['choices.0.logprobs', ['"x"', '5', '[]']],
  ['choices.0.logprobs.content', ['{}', '"x"', '[null]', '[5]']],
  ['choices.0.finish_reason', ['5', '{}', '[]']],
  ['usage', ['5', '"x"', '[]']],
  ['x_groq', ['5', '"x"']],
  ['message', ['5', '"x"', '[]', 'null', 'true']],
  ['message.content', ['5', '{}', 'null']],
  ['message.tool_calls', ['{}', '"x"', '[null]', '[5]']],
  ['message.tool_calls.0.function', ['null', '5']],
  ['message.tool_calls.0.function.arguments', ['"x"', '5', 'null', '[]']],
  ['done', ['"yes"', '1', 'null']],
  ['response', ['5', '{}']],
  ['logprobs', ['{}', '"x"', '[null]', '[{"token":5}]']],
  ['context', ['"x"', '{}']],
  ['created', ['"x"', '1e400', '{}']],
  ['model', ['5', '{}', '[]']],
  ['id', ['5', '{}', '[]']],
];

/** Sets `path` (dots; numbers index arrays) in `json` to `value`; false when the path is not there. */
function setPath(json: unknown, path: string, value: unknown): boolean {
  const keys = path.split('.');
  let node = json as Record<string, unknown>;
  for (let i = 0; i < keys.length - 1; i++) {
    const next = node?.[keys[i]!];
    if (typeof next !== 'object' || next === null) return false;
    node = next as Record<string, unknown>;
  }
  if (typeof node !== 'object' || node === null) return false;
  node[keys[keys.length - 1]!] = value;
  return true;
}

const PLACEHOLDER = '"\u0000chunkwise-raw\u0000"';

/** JSON text of `json` with `path` replaced by the raw JSON text `raw` (which may be 1e400 or 10,000 levels deep). */
function withRaw(json: unknown, path: string, raw: string): string | undefined {
  const copy = JSON.parse(JSON.stringify(json));
  if (!setPath(copy, path, '\u0000chunkwise-raw\u0000')) return undefined;
  return JSON.stringify(copy).replace(PLACEHOLDER, () => raw);
}

type Mutation = (lines: string[], random: Random, sse: boolean) => string | undefined;

const MUTATIONS: Record<string, { weight: number; benign?: boolean; run: Mutation }> = {
  'delete line': {
    weight: 3,
    run(lines, random) {
      if (lines.length < 2) return undefined;
      const i = int(random, lines.length);
      lines.splice(i, 1);
      return `delete line ${i + 1}`;
    },
  },
  'duplicate line': {
    weight: 3,
    run(lines, random) {
      if (lines.length === 0) return undefined;
      const i = int(random, lines.length);
      lines.splice(i, 0, lines[i]!);
      return `duplicate line ${i + 1}`;
    },
  },
  'swap lines': {
    weight: 2,
    run(lines, random) {
      if (lines.length < 2) return undefined;
      const i = int(random, lines.length - 1);
      const j = i + 1 + int(random, Math.min(4, lines.length - 1 - i));
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      return `swap lines ${i + 1} and ${j + 1}`;
    },
  },
  'garbage line': {
    weight: 3,
    run(lines, random, sse) {
      const garbage = pick(random, [
        'garbage\n',
        '{not json\n',
        '{"unclosed": "string\n',
        '\u0000\u0001\u0002\n',
        '}\n',
        ']]]]\n',
        'null\n',
        '5\n',
        '"a string"\n',
        '[]\n',
        '{}\n',
        'data: garbage\n\n',
        'data: {not json\n\n',
        'data: {}\n\n',
        'data: null\n\n',
        'data: 5\n\n',
        'data: []\n\n',
        'data: "x"\n\n',
        'data: [DONE]x\n\n',
        'event: error\n',
        'event: error\ndata: not json\n\n',
        'event: error\ndata: {}\n\n',
        'data: {"error": null}\n\n',
        'data: {"error": 5}\n\n',
        'data: {"error": {}}\n\n',
        'data: {"error": {"message": 5}}\n\n',
        '{"error": {}}\n',
        '{"error": 5}\n',
        '{"done": true}\n',
        '{"done": false}\n',
        'retry: abc\n',
        'id: \u0000\n',
        ': comment\n',
        '\n',
        '\r\n',
        '\r',
        `data: ${'x'.repeat(2000)}\n\n`,
        `${'y'.repeat(3000)}\n`,
      ]);
      const i = int(random, lines.length + 1);
      lines.splice(i, 0, garbage);
      return `insert ${JSON.stringify(garbage.length > 40 ? `${garbage.slice(0, 40)}…` : garbage)} before line ${i + 1}${sse ? '' : ''}`;
    },
  },
  'keep-alive line': {
    weight: 2,
    benign: true,
    run(lines, random, sse) {
      // Only at line starts of a new event / line: the outcome must not change.
      const boundaries = sse
        ? lines.map((l, i) => (i === 0 || /^\r?\n$/.test(lines[i - 1]!) ? i : -1)).filter((i) => i >= 0)
        : lines.map((_, i) => i);
      if (boundaries.length === 0) return undefined;
      const i = pick(random, boundaries);
      const text = sse ? pick(random, [': ping\n\n', ':\n', 'retry: 3000\n\n', ': \u00e9\u4e16\ud83d\ude00\n\n', 'event: ping\ndata: \n\n', '\n']) : pick(random, ['\n', '   \n', '\r\n', '\t\n']);
      lines.splice(i, 0, text);
      return `insert keep-alive ${JSON.stringify(text)} before line ${i + 1}`;
    },
  },
  'huge number': {
    weight: 3,
    run(lines, random) {
      const candidates = jsonLines(lines);
      if (candidates.length === 0) return undefined;
      const i = pick(random, candidates);
      const line = lines[i]!;
      const numbers = [...line.matchAll(/(?<=[:\[,])-?\d+(\.\d+)?([eE][-+]?\d+)?/g)];
      if (numbers.length === 0) return undefined;
      const n = pick(random, numbers);
      const huge = pick(random, ['1e400', '-1e400', '9'.repeat(400), `-${'1'.repeat(400)}`, '1e-400', '0.' + '0'.repeat(400) + '1', '123456789012345678901234567890']);
      lines[i] = line.slice(0, n.index) + huge + line.slice(n.index! + n[0].length);
      return `line ${i + 1}: number ${n[0]} → ${huge.slice(0, 12)}${huge.length > 12 ? '…' : ''}`;
    },
  },
  'deep nesting': {
    weight: 2,
    run(lines, random) {
      const picked = pickJsonLine(lines, random);
      if (!picked) return undefined;
      const { i, parsed } = picked;
      const deep = pick(random, [nestedArray(DEPTH), nestedObject(DEPTH)]);
      const where = pick(random, ['deep_unknown_field', 'choices.0.delta.content', 'choices.0.delta', 'message.content', 'message', 'usage', 'choices.0.logprobs']);
      const text = withRaw(parsed.json, where, deep);
      if (text === undefined) return undefined;
      lines[i] = `${parsed.prefix}${text}${parsed.end}`;
      return `line ${i + 1}: ${where} = ${DEPTH} levels of ${deep[0]}`;
    },
  },
  'deep arguments': {
    weight: 2,
    run(lines, random) {
      // 10,000 levels inside tool-call arguments: a JSON string for OpenAI, an object for Ollama.
      const picked = pickJsonLine(lines, random);
      if (!picked) return undefined;
      const { i, parsed } = picked;
      const json = parsed.json as Record<string, any>;
      let text: string | undefined;
      if (Array.isArray(json.choices)) {
        const deep = pick(random, [nestedArray(DEPTH), nestedObject(DEPTH), '['.repeat(DEPTH)]);
        const call = { index: 0, id: 'call_deep', type: 'function', function: { name: 'deep', arguments: deep } };
        json.choices = [{ index: 0, delta: { tool_calls: [call] }, finish_reason: null }];
        text = JSON.stringify(json);
      } else if (typeof json.message === 'object' && json.message !== null) {
        json.message.tool_calls = [{ function: { name: 'deep', arguments: '\u0000chunkwise-raw\u0000' } }];
        text = JSON.stringify(json).replace(PLACEHOLDER, () => `{"x":${pick(random, [nestedArray(DEPTH), nestedObject(DEPTH)])}}`);
      }
      if (text === undefined) return undefined;
      lines[i] = `${parsed.prefix}${text}${parsed.end}`;
      return `line ${i + 1}: tool-call arguments ${DEPTH} levels deep`;
    },
  },
  'wrong type': {
    weight: 5,
    run(lines, random) {
      const picked = pickJsonLine(lines, random);
      if (!picked) return undefined;
      const { i, parsed } = picked;
      const [path, values] = pick(random, WRONG_TYPES);
      const value = pick(random, values);
      const text = withRaw(parsed.json, path, value);
      if (text === undefined) return undefined;
      lines[i] = `${parsed.prefix}${text}${parsed.end}`;
      return `line ${i + 1}: ${path} = ${value}`;
    },
  },
  'never started': {
    weight: 3,
    run(lines, random) {
      // A chunk for a choice or a tool call that never started, mid-stream.
      const picked = pickJsonLine(lines, random);
      if (!picked) return undefined;
      const { i, parsed } = picked;
      const json = parsed.json as Record<string, any>;
      if (!Array.isArray(json.choices)) return undefined;
      const index = pick(random, [1, 2, 7, 1000, 65535]);
      const variant = pick(random, ['choice', 'tool call', 'tool call without id', 'finish']);
      if (variant === 'choice') json.choices = [{ index, delta: { content: 'stray' }, finish_reason: null }];
      else if (variant === 'finish') json.choices = [{ index, delta: {}, finish_reason: 'stop' }];
      else {
        const call: Record<string, unknown> = { index, function: { arguments: '"}' } };
        if (variant === 'tool call') Object.assign(call, { id: 'call_stray', type: 'function' });
        json.choices = [{ index: 0, delta: { tool_calls: [call] }, finish_reason: null }];
      }
      // After the event's blank line (SSE) or after the line (NDJSON).
      let at = i + 1;
      if (parsed.prefix) while (at < lines.length && !/^\r?\n$/.test(lines[at - 1]!)) at++;
      lines.splice(at, 0, `${parsed.prefix}${JSON.stringify(json)}\n${parsed.prefix ? '\n' : ''}`);
      return `after line ${i + 1}: a ${variant} for index ${index} that never started`;
    },
  },
};

const BYTE_MUTATIONS = {
  'flip byte': (bytes: Uint8Array, random: Random): string | undefined => {
    if (bytes.length === 0) return undefined;
    const i = int(random, bytes.length);
    const before = bytes[i]!;
    bytes[i] = random() < 0.5 ? before ^ (1 << int(random, 8)) : int(random, 256);
    return `byte ${i}: 0x${before.toString(16)} → 0x${bytes[i]!.toString(16)}`;
  },
  'invalid utf-8': (bytes: Uint8Array, random: Random): Uint8Array | string => {
    const bad = pick(random, [[0xff], [0xc0, 0x80], [0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0xf0, 0x9f, 0x98]]);
    const i = int(random, bytes.length + 1);
    const out = new Uint8Array(bytes.length + bad.length);
    out.set(bytes.subarray(0, i));
    out.set(bad, i);
    out.set(bytes.subarray(i), i + bad.length);
    return out;
  },
  'cut short': (bytes: Uint8Array, random: Random): Uint8Array => bytes.slice(0, int(random, bytes.length + 1)),
};

/** One to three mutations of `body`, chosen and placed by `random`. */
export function mutate(body: Uint8Array, random: Random, sse: boolean): Mutated {
  let bytes = body.slice();
  const steps: string[] = [];
  let benign = true;
  const count = 1 + int(random, 3);
  const names = Object.keys(MUTATIONS);
  const weights = names.map((n) => MUTATIONS[n]!.weight);
  const totalWeight = weights.reduce((a, b) => a + b, 0) + 6;
  for (let k = 0; k < count; k++) {
    let r = random() * totalWeight;
    let chosen: string | undefined;
    for (let j = 0; j < names.length; j++) {
      r -= weights[j]!;
      if (r < 0) {
        chosen = names[j];
        break;
      }
    }
    if (chosen === undefined) {
      // Byte-level mutations.
      const which = pick(random, ['flip byte', 'flip byte', 'invalid utf-8', 'invalid utf-8', 'cut short', 'flip byte'] as const);
      benign = false;
      if (which === 'flip byte') {
        const step = BYTE_MUTATIONS['flip byte'](bytes, random);
        if (step) steps.push(`flip ${step}`);
      } else if (which === 'invalid utf-8') {
        const before = bytes.length;
        bytes = BYTE_MUTATIONS['invalid utf-8'](bytes, random) as Uint8Array<ArrayBuffer>;
        steps.push(`insert ${bytes.length - before} invalid UTF-8 byte(s)`);
      } else {
        bytes = BYTE_MUTATIONS['cut short'](bytes, random) as Uint8Array<ArrayBuffer>;
        steps.push(`cut at byte ${bytes.length}`);
      }
      continue;
    }
    const mutation = MUTATIONS[chosen]!;
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch {
      continue;
    }
    const lines = linesOf(text);
    const step = mutation.run(lines, random, sse);
    if (step === undefined) continue;
    if (!mutation.benign) benign = false;
    steps.push(step);
    bytes = encoder.encode(lines.join('')) as Uint8Array<ArrayBuffer>;
  }
  return { body: bytes, steps, benign: benign && steps.length > 0 };
}

/** Deep equality with an explicit stack: the fuzz builds values 10,000 levels deep. */
export function deepEqual(a: unknown, b: unknown): boolean {
  const stack: Array<[unknown, unknown]> = [[a, b]];
  while (stack.length > 0) {
    const [x, y] = stack.pop()!;
    if (Object.is(x, y)) continue;
    if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return false;
    if (Array.isArray(x) !== Array.isArray(y)) return false;
    const kx = Object.keys(x);
    const ky = Object.keys(y);
    if (kx.length !== ky.length) return false;
    for (let i = 0; i < kx.length; i++) {
      if (kx[i] !== ky[i]) return false; // key order too
      stack.push([(x as Record<string, unknown>)[kx[i]!], (y as Record<string, unknown>)[kx[i]!]]);
    }
  }
  return true;
}

/** The deepest nesting of `value`, measured without recursion. */
export function depthOf(value: unknown): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (d > max) max = d;
    if (typeof v === 'object' && v !== null) for (const k of Object.keys(v)) stack.push([(v as Record<string, unknown>)[k], d + 1]);
  }
  return max;
}
