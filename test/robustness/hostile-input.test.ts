import { lastValueFrom, toArray } from 'rxjs';
import { describe, expect, test } from 'vitest';
import { ChunkwiseError, ParseError, assemble, streamEvents, type StreamEvent } from '../../src/index.js';
import { asChunkwiseError } from '../helpers/robustness-corpus.js';
import { DEPTH, depthOf } from '../helpers/robustness-mutations.js';

/*
 * Hostile input, case by case (the fuzz throws the same at random): huge numbers, 10,000 levels
 * of nesting inside a chunk and inside tool-call arguments, wrong types where objects are
 * expected, chunks for choices and tool calls that never started. Each case ends within a time
 * limit in a result or a ChunkwiseError whose message names the problem: never a raw
 * RangeError/TypeError, never an internal exception dressed up as a network failure.
 */

const LIMIT_MS = 3000;
const arr = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const obj = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
const HEAD = '"id":"chatcmpl-1","object":"chat.completion.chunk","created":1700000000,"model":"m"';
const chunk = (delta: string, extra = '', finish = 'null', index = '0') => `{${HEAD}${extra},"choices":[{"index":${index},"delta":${delta},"logprobs":null,"finish_reason":${finish}}]}`;
const sse = (...events: string[]) => events.map((e) => `data: ${e}\n\n`).join('');
const FIRST = chunk('{"role":"assistant","content":"Hi"}');
const STOP = chunk('{}', '', '"stop"');
const ollama = (...lines: string[]) => lines.map((l) => `${l}\n`).join('');
const OLLAMA_FIRST = '{"model":"m","created_at":"t1","message":{"role":"assistant","content":"Hi"},"done":false}';
const OLLAMA_DONE = '{"model":"m","created_at":"t2","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop"}';

type Result = { ok: true; value: any; events?: StreamEvent[] } | { ok: false; error: ChunkwiseError; events?: StreamEvent[] };

async function within<T>(promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no outcome within ${LIMIT_MS} ms`)), LIMIT_MS);
  });
  try {
    return await Promise.race([promise, limit]);
  } finally {
    clearTimeout(timer);
  }
}

/** assemble(), or streamEvents() when `events`: a result or a ChunkwiseError, anything else fails the test. */
async function outcome(body: string, events = false): Promise<Result> {
  const seen: StreamEvent[] = [];
  try {
    if (!events) return { ok: true, value: await within(assemble(body)) };
    const all = await within(lastValueFrom(streamEvents(body).pipe(toArray())));
    seen.push(...all);
    return { ok: true, value: (all.at(-1) as { response: unknown }).response, events: all };
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('no outcome within')) throw error;
    return { ok: false, error: asChunkwiseError(error), events: seen };
  }
}

/** The error must be typed, say what is wrong, and not be an internal exception in disguise. */
function expectNamedError(result: Result, pattern: RegExp): ChunkwiseError {
  expect(result.ok ? 'a result' : result.error.name, 'expected a ChunkwiseError').not.toBe('a result');
  const error = (result as { error: ChunkwiseError }).error;
  expect(error.code, error.message).not.toBe('network');
  expect(error.message).toMatch(pattern);
  return error;
}

function expectNoInternalFailure(result: Result): void {
  if (result.ok) return;
  const cause = (result.error as { cause?: unknown }).cause;
  expect(result.error.code, `internal failure: ${result.error.message}`).not.toBe('network');
  expect(cause instanceof RangeError || cause instanceof TypeError ? `${result.error.name} wrapping ${cause.constructor.name}: ${cause.message}` : 'no internal cause').toBe('no internal cause');
}

describe('huge numbers', () => {
  const HUGE = ['1e400', '-1e400', '9'.repeat(400), `-${'1'.repeat(400)}`, '1e-400', `0.${'0'.repeat(400)}1`];

  test.each(HUGE)('%s as token counts, created, logprob and bytes is read as a number, without failing', async (n) => {
    const withLogprobs = chunk('{"content":"x"}', `,"created":${n}`).replace('"logprobs":null', `"logprobs":{"content":[{"token":"x","logprob":${n},"bytes":[${n}],"top_logprobs":[]}]}`);
    const usage = `,"usage":{"prompt_tokens":${n},"completion_tokens":${n},"total_tokens":${n}}`;
    for (const events of [false, true]) {
      const result = await outcome(sse(FIRST, withLogprobs, chunk('{}', usage, '"stop"'), '[DONE]'), events);
      expect(result.ok ? 'ok' : result.error.message).toBe('ok');
      const value = (result as { value: any }).value;
      expect(value.choices[0].message.content).toBe('Hix');
      expect(value.usage.prompt_tokens).toBe(Number(n));
      expect(value.choices[0].logprobs.content[0].logprob).toBe(Number(n));
    }
  });

  test.each(['1e400', '9'.repeat(400), '4294967296.5', '-1', '1.5', '"0"'])('choices[].index = %s is a ParseError naming the index', async (n) => {
    const result = await outcome(sse(FIRST, chunk('{"content":"x"}', '', 'null', n), STOP, '[DONE]'));
    const error = expectNamedError(result, /choices\[0\]\.index must be a non-negative integer/);
    expect(error.event).toBe(2);
    expect(error.partial).toMatchObject({ choices: [{ message: { content: 'Hi' } }] });
  });

  test.each(['1e400', '9'.repeat(400), '-1', '"0"'])('tool_calls[].index = %s is a ParseError naming the index', async (n) => {
    const call = `{"tool_calls":[{"index":${n},"id":"c","type":"function","function":{"name":"f","arguments":"{}"}}]}`;
    expectNamedError(await outcome(sse(FIRST, chunk(call), STOP, '[DONE]')), /tool_calls\[0\]\.index must be a non-negative integer/);
  });

  test.each(['1e400', '9'.repeat(400)])('Ollama metrics and context of %s are read as numbers', async (n) => {
    const done = `{"model":"m","created_at":"t2","message":{"role":"assistant","content":""},"done":true,"eval_count":${n},"total_duration":${n},"context":[${n},1]}`;
    const result = await outcome(ollama(OLLAMA_FIRST, done));
    expect(result.ok ? 'ok' : result.error.message).toBe('ok');
    expect((result as { value: any }).value.eval_count).toBe(Number(n));
  });
});

describe(`${DEPTH} levels of nesting`, () => {
  test.each([
    ['an unknown top-level field', `,"deep":${arr(DEPTH)}`],
    ['an unknown object field', `,"deep":${obj(DEPTH)}`],
  ])('in %s of a chunk: kept, no stack overflow', async (_what, extra) => {
    for (const events of [false, true]) {
      const result = await outcome(sse(FIRST, chunk('{"content":"!"}', extra), STOP, '[DONE]'), events);
      expectNoInternalFailure(result);
      expect(result.ok).toBe(true);
      expect((result as { value: any }).value.choices[0].message.content).toBe('Hi!');
      expect(depthOf((result as { value: any }).value)).toBeGreaterThanOrEqual(DEPTH);
    }
  });

  test.each([
    ['delta.content', chunk(`{"content":${arr(DEPTH)}}`), /choices\[0\]\.delta\.content must be a string/],
    ['delta', `{${HEAD},"choices":[{"index":0,"delta":${arr(DEPTH)}}]}`, /choices\[0\]\.delta must be an object/],
    ['choices', `{${HEAD},"choices":${obj(DEPTH)}}`, /choices must be an array/],
    ['usage', chunk('{}', `,"usage":${arr(DEPTH)}`), /usage must be an object/],
  ])('in %s where a string or object belongs: a ParseError naming the field', async (_what, bad, pattern) => {
    for (const events of [false, true]) {
      const error = expectNamedError(await outcome(sse(FIRST, bad, STOP, '[DONE]'), events), pattern);
      expect(error).toBeInstanceOf(ParseError);
      expect(error.partial).toMatchObject({ choices: [{ message: { content: 'Hi' } }] });
    }
  });

  test.each([
    ['arrays', arr(DEPTH)],
    ['objects', obj(DEPTH)],
  ])('in OpenAI tool-call arguments (a JSON string) of nested %s: parsed incrementally and at the end', async (_what, args) => {
    // Arguments in fragments, as servers send them.
    const fragments = args.match(/.{1,997}/g)!;
    const deltas = fragments.map((f, i) =>
      chunk(`{"tool_calls":[{"index":0,${i === 0 ? '"id":"call_1","type":"function","function":{"name":"deep",' : '"function":{'}"arguments":${JSON.stringify(f)}}}]}`),
    );
    for (const events of [false, true]) {
      const result = await outcome(sse(FIRST, ...deltas, chunk('{}', '', '"tool_calls"'), '[DONE]'), events);
      expectNoInternalFailure(result);
      expect(result.ok).toBe(true);
      expect((result as { value: any }).value.choices[0].message.tool_calls[0].function.arguments).toBe(args);
      if (events) {
        const done = result.events!.find((e) => e.type === 'tool_call.done') as Extract<StreamEvent, { type: 'tool_call.done' }>;
        expect(done.error).toBeUndefined();
        // depthOf counts edges: the innermost [] of nested arrays sits at depth - 1.
        expect(depthOf(done.parsed)).toBe(args.startsWith('[') ? DEPTH - 1 : DEPTH);
      }
    }
  });

  test('in OpenAI tool-call arguments that never close: the done event reports invalid JSON, the stream goes on', async () => {
    const open = '['.repeat(DEPTH);
    const result = await outcome(sse(FIRST, chunk(`{"tool_calls":[{"index":0,"id":"c","type":"function","function":{"name":"f","arguments":${JSON.stringify(open)}}}]}`), chunk('{}', '', '"tool_calls"'), '[DONE]'), true);
    expect(result.ok).toBe(true);
    const done = result.events!.find((e) => e.type === 'tool_call.done') as Extract<StreamEvent, { type: 'tool_call.done' }>;
    expect(done.error).toBeInstanceOf(ParseError);
  });

  test('in OpenAI tool-call arguments sent as a raw JSON object (not a string): no internal failure', async () => {
    // Servers that send `arguments` as an object: chunkwise takes its JSON text (tool-calls.ts).
    const body = sse(FIRST, chunk(`{"tool_calls":[{"index":0,"id":"c","type":"function","function":{"name":"f","arguments":${obj(DEPTH)}}}]}`), chunk('{}', '', '"tool_calls"'), '[DONE]');
    for (const events of [false, true]) {
      const result = await outcome(body, events);
      if (result.ok) expect(result.value.choices[0].message.tool_calls[0].function.name).toBe('f');
      else expectNamedError(result, /arguments/);
      expectNoInternalFailure(result);
    }
  });

  test('in Ollama tool-call arguments (an object): kept as they are, with and without events', async () => {
    const line = `{"model":"m","created_at":"t1","message":{"role":"assistant","content":"","tool_calls":[{"function":{"name":"deep","arguments":{"x":${obj(DEPTH)}}}}]},"done":false}`;
    for (const events of [false, true]) {
      const result = await outcome(ollama(OLLAMA_FIRST, line, OLLAMA_DONE), events);
      expectNoInternalFailure(result);
      expect(result.ok).toBe(true);
      expect(depthOf((result as { value: any }).value.message.tool_calls[0].function.arguments)).toBeGreaterThanOrEqual(DEPTH);
    }
  });

  test('in an Ollama line: an unknown field is kept, message.content of nested arrays is a ParseError', async () => {
    const unknown = `{"model":"m","created_at":"t1","message":{"role":"assistant","content":"!"},"deep":${arr(DEPTH)},"done":false}`;
    const ok = await outcome(ollama(OLLAMA_FIRST, unknown, OLLAMA_DONE));
    expectNoInternalFailure(ok);
    expect((ok as { value: any }).value.message.content).toBe('Hi!');
    const bad = `{"model":"m","created_at":"t1","message":{"role":"assistant","content":${arr(DEPTH)}},"done":false}`;
    const error = expectNamedError(await outcome(ollama(OLLAMA_FIRST, bad, OLLAMA_DONE)), /message\.content must be a string/);
    expect(error.line).toBe(2);
    expect(error.partial).toMatchObject({ message: { content: 'Hi' } });
  });
});

describe('wrong types where objects are expected: a ParseError naming the JSON path, with the partial object', () => {
  test.each([
    ['choices: "x"', `{${HEAD},"choices":"x"}`, /^choices must be an array, got a string \("x"\)/],
    ['choices: 5', `{${HEAD},"choices":5}`, /^choices must be an array, got a number \(5\)/],
    ['choices: {}', `{${HEAD},"choices":{}}`, /^choices must be an array, got an object/],
    ['choices: [5]', `{${HEAD},"choices":[5]}`, /^choices\[0\] must be an object, got a number/],
    ['choices: [null]', `{${HEAD},"choices":[null]}`, /^choices\[0\] must be an object, got null/],
    ['delta: 5', `{${HEAD},"choices":[{"index":0,"delta":5}]}`, /^choices\[0\]\.delta must be an object, got a number/],
    ['delta: "x"', `{${HEAD},"choices":[{"index":0,"delta":"x"}]}`, /^choices\[0\]\.delta must be an object, got a string/],
    ['delta: []', `{${HEAD},"choices":[{"index":0,"delta":[]}]}`, /^choices\[0\]\.delta must be an object, got an array/],
    ['content: {}', chunk('{"content":{}}'), /^choices\[0\]\.delta\.content must be a string or an array of parts, got an object/],
    ['tool_calls: {}', chunk('{"tool_calls":{}}'), /^choices\[0\]\.delta\.tool_calls must be an array, got an object/],
    ['tool_calls: "x"', chunk('{"tool_calls":"x"}'), /^choices\[0\]\.delta\.tool_calls must be an array/],
    ['tool_calls: [null]', chunk('{"tool_calls":[null]}'), /^choices\[0\]\.delta\.tool_calls\[0\] must be an object, got null/],
    ['function: []', chunk('{"tool_calls":[{"index":0,"function":[]}]}'), /^choices\[0\]\.delta\.tool_calls\[0\]\.function must be an object/],
    ['function.name: 5', chunk('{"tool_calls":[{"index":0,"function":{"name":5}}]}'), /^choices\[0\]\.delta\.tool_calls\[0\]\.function\.name must be a string/],
    ['logprobs: "x"', chunk('{}').replace('"logprobs":null', '"logprobs":"x"'), /^choices\[0\]\.logprobs must be an object/],
    ['logprobs.content: {}', chunk('{}').replace('"logprobs":null', '"logprobs":{"content":{}}'), /^choices\[0\]\.logprobs\.content must be an array/],
    ['finish_reason: 5', chunk('{}', '', '5'), /^choices\[0\]\.finish_reason must be a string/],
    ['usage: 5', chunk('{}', ',"usage":5'), /^usage must be an object/],
    ['the chunk: 5', '5', /must be a JSON object|is not a chunk|must be an object/],
    ['the chunk: null', 'null', /must be a JSON object|is not a chunk|must be an object/],
    ['the chunk: []', '[]', /must be a JSON object|is not a chunk|must be an object/],
    ['the chunk: "x"', '"x"', /must be a JSON object|is not a chunk|must be an object/],
  ])('OpenAI %s', async (_what, bad, pattern) => {
    for (const events of [false, true]) {
      const error = expectNamedError(await outcome(sse(FIRST, bad, STOP, '[DONE]'), events), pattern);
      expect(error).toBeInstanceOf(ParseError);
      expect(error.event).toBe(2);
      expect(error.message).toContain('event 2');
      expect(error.partial).toMatchObject({ choices: [{ message: { content: 'Hi' } }] });
    }
  });

  test('OpenAI delta: null is no delta (Azure content-filter chunks have none)', async () => {
    const result = await outcome(sse(FIRST, `{${HEAD},"choices":[{"index":0,"delta":null,"finish_reason":null}]}`, STOP, '[DONE]'));
    expect(result.ok && result.value.choices[0].message.content).toBe('Hi');
  });

  test.each([
    ['message: 5', '{"model":"m","created_at":"t","message":5,"done":false}', /^message must be an object, got a number \(5\)/],
    ['message: "x"', '{"model":"m","created_at":"t","message":"x","done":false}', /^message must be an object, got a string/],
    ['message: []', '{"model":"m","created_at":"t","message":[],"done":false}', /^message must be an object, got an array/],
    ['message.content: 5', '{"model":"m","created_at":"t","message":{"role":"assistant","content":5},"done":false}', /^message\.content must be a string/],
    ['message.tool_calls: {}', '{"model":"m","created_at":"t","message":{"role":"assistant","content":"","tool_calls":{}},"done":false}', /^message\.tool_calls must be an array/],
    ['message.tool_calls: [null]', '{"model":"m","created_at":"t","message":{"role":"assistant","content":"","tool_calls":[null]},"done":false}', /^message\.tool_calls\[0\] must be an object/],
    ['tool_calls[0].function.arguments: "x"', '{"model":"m","created_at":"t","message":{"role":"assistant","content":"","tool_calls":[{"function":{"name":"f","arguments":"x"}}]},"done":false}', /arguments must be an object/],
    ['done: "yes"', '{"model":"m","created_at":"t","message":{"role":"assistant","content":""},"done":"yes"}', /^done must be a boolean/],
    ['done missing', '{"model":"m","created_at":"t","message":{"role":"assistant","content":""}}', /^done must be a boolean, got nothing/],
    ['logprobs: {}', '{"model":"m","created_at":"t","message":{"role":"assistant","content":""},"done":false,"logprobs":{}}', /^logprobs must be an array/],
    ['response: 5', '{"model":"m","created_at":"t","response":5,"done":false}', /^response must be a string/],
    ['the line: 5', '5', /must be a JSON object|must be an object/],
    ['the line: []', '[]', /must be a JSON object|must be an object/],
  ])('Ollama %s', async (_what, bad, pattern) => {
    for (const events of [false, true]) {
      const error = expectNamedError(await outcome(ollama(OLLAMA_FIRST, bad, OLLAMA_DONE), events), pattern);
      expect(error).toBeInstanceOf(ParseError);
      expect(error.line).toBe(2);
      expect(error.message).toContain('line 2');
      expect(error.partial).toMatchObject({ message: { content: 'Hi' } });
    }
  });
});

describe('chunks for choices and tool calls that never started', () => {
  test('a choice index that never started gets its own choice; the others stay intact', async () => {
    const stray = chunk('{"content":"stray"}', '', 'null', '5');
    for (const events of [false, true]) {
      const result = await outcome(sse(FIRST, stray, STOP, '[DONE]'), events);
      expectNoInternalFailure(result);
      if (!result.ok) continue;
      const choices = result.value.choices as Array<{ index: number; message: { content: string } }>;
      expect(choices.find((c) => c.index === 0)!.message.content).toBe('Hi');
      expect(choices.find((c) => c.index === 5)?.message.content ?? 'stray').toBe('stray');
    }
  });

  test('argument fragments for a tool call that never started (no id, no name) do not corrupt the others', async () => {
    const call0 = chunk('{"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"a","arguments":"{\\"x\\":1}"}}]}');
    const stray = chunk('{"tool_calls":[{"index":3,"function":{"arguments":"\\"}"}}]}');
    for (const events of [false, true]) {
      const result = await outcome(sse(FIRST, call0, stray, chunk('{}', '', '"tool_calls"'), '[DONE]'), events);
      expectNoInternalFailure(result);
      if (!result.ok) continue;
      const calls = result.value.choices[0].message.tool_calls as Array<{ id: string; function: { name: string; arguments: string } }>;
      expect(calls.find((c) => c.id === 'call_a')).toEqual({ id: 'call_a', type: 'function', function: { name: 'a', arguments: '{"x":1}' } });
    }
  });

  test.each([2 ** 31 - 1, 2 ** 32 - 1, 2 ** 53 - 1])('a tool-call index of %d allocates nothing of that size', async (index) => {
    const before = process.memoryUsage().heapUsed;
    const call = chunk(`{"tool_calls":[{"index":${index},"id":"c","type":"function","function":{"name":"f","arguments":"{}"}}]}`);
    for (const events of [false, true]) {
      const result = await outcome(sse(FIRST, call, chunk('{}', '', '"tool_calls"'), '[DONE]'), events);
      expectNoInternalFailure(result);
    }
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(64 * 1024 * 1024);
  });

  test.each([2 ** 31 - 1, 2 ** 32 - 1, 2 ** 53 - 1])('a choice index of %d allocates nothing of that size', async (index) => {
    const before = process.memoryUsage().heapUsed;
    for (const events of [false, true]) {
      const result = await outcome(sse(FIRST, chunk('{"content":"x"}', '', '"stop"', String(index)), STOP, '[DONE]'), events);
      expectNoInternalFailure(result);
    }
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(64 * 1024 * 1024);
  });

  test('an Ollama line after the final done line is not read', async () => {
    const result = await outcome(ollama(OLLAMA_FIRST, OLLAMA_DONE, '{"model":"m","created_at":"t3","message":{"role":"assistant","content":"late"},"done":false}', 'garbage'));
    expect(result.ok && result.value.message.content).toBe('Hi');
  });

  test('an SSE event after [DONE] is not read', async () => {
    const result = await outcome(sse(FIRST, STOP, '[DONE]', chunk('{"content":"late"}'), 'garbage'));
    expect(result.ok && result.value.choices[0].message.content).toBe('Hi');
  });
});
