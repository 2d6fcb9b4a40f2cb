// The adversarial table: hostile bodies for SSE (chat completions, Responses API) and NDJSON
// (Ollama), each with the outcome it must end in. A row is
//   { name, body: () => source, expect, options?, via?, facts?, errorFacts?, heapMb?, timeoutMs? }
// `body` runs in the child (run-case.mjs) and returns any ByteSource (often a lazy iterable);
// `expect` is matched (toMatchObject) against the child's verdict: `ok({...facts})` for a result,
// `fails('LimitError', 'limit')` for a typed error. `facts(result)` reduces the result to the
// plain values `expect` names (default: text, counts). `heapMb` is the child's
// --max-old-space-size (the memory bound), `timeoutMs` the time after which it is killed.
// Adding a case is adding a row.
import {
  FIRST, OLLAMA_DONE, OLLAMA_FIRST, STOP, TOOL_STOP, bytes, chunk, depthOf, ndjson, nestedArrays, nestedObjects,
  ollamaLine, repeated, responsesCall, responsesEvents, responsesText, sse, toolCall,
} from './bodies.mjs';

/** Levels of nesting within the depth limit (100,000), and past it. */
const DEEP = 50_000;
const TOO_DEEP = 150_000;
const MB = 1024 * 1024;
const DIGITS_5000 = '9'.repeat(5000);
/** A chunk and an Ollama line cut where their content string's text goes. */
const CONTENT = chunk('{"content":"@@"}').split('@@');
const LINE_CONTENT = ollamaLine('@@').split('@@');

const ok = (facts = {}) => ({ outcome: 'ok', facts });
const fails = (outcome, code, facts) => ({ outcome, code, chunkwise: true, ...(facts ? { facts } : {}) });

// ---- facts: what a result is reduced to ---------------------------------------------------

/** The assistant text of any provider's final object. */
function textOf(r) {
  if (r?.choices) return r.choices[0]?.message?.content ?? null;
  if (r?.message) return r.message.content;
  if (r?.output) return r.output.flatMap((item) => (item.content ?? []).map((p) => p.text ?? '')).join('');
  return undefined;
}
const callsOf = (r) => r?.choices?.[0]?.message?.tool_calls ?? r?.message?.tool_calls ?? r?.output?.filter((i) => i.type === 'function_call') ?? [];
const short = (text) => (typeof text === 'string' && text.length > 60 ? `${text.slice(0, 30)}…(${text.length})` : text);
const summary = (r) => ({ text: short(textOf(r)), textLength: textOf(r)?.length, calls: callsOf(r).length, choices: r?.choices?.length });

/** The own data property `key` of the object at `path` in `root`: its JSON, or 'absent'. */
function ownAt(root, path, key) {
  let at = root;
  for (const step of path) at = at?.[step];
  if (typeof at !== 'object' || at === null) return 'no object';
  const own = Object.getOwnPropertyDescriptor(at, key);
  if (Object.getPrototypeOf(at) !== Object.prototype) return 'prototype replaced';
  return own === undefined ? 'absent' : 'value' in own ? JSON.stringify(own.value) : 'accessor';
}

// ---- prototype keys ------------------------------------------------------------------------

const PROTO_KEYS = ['__proto__', 'constructor', 'prototype'];
/** Members `"__proto__":{"polluted":"1"},"constructor":{"prototype":{"polluted":"1"}},"prototype":{…}` (leading comma). */
const protoMembers = (n) => PROTO_KEYS.map((k) => `,"${k}":${k === 'constructor' ? `{"prototype":{"polluted":"${n}"}}` : `{"polluted":"${n}"}`}`).join('');
const inObject = (text, n) => text.replace(/}$/, `${protoMembers(n)}}`);
/** Facts: each prototype key at `path`, and where the object sits. */
const protoFacts = (path) => (r) => Object.fromEntries(PROTO_KEYS.map((k) => [k, ownAt(r, path, k)]));
/** What the facts hold when sending `n` of the keys is kept, as own properties. */
const kept = (n) => Object.fromEntries(PROTO_KEYS.map((k) => [k, k === 'constructor' ? `{"prototype":{"polluted":"${n}"}}` : `{"polluted":"${n}"}`]));

/** A chunk whose logprobs object, logprob entry and top_logprobs entry each hold the keys. */
const LOGPROBS = (n) => {
  const keys = protoMembers(n);
  return chunk('{"content":"!"}').replace('"logprobs":null', `"logprobs":{"content":[{"token":"!","logprob":-0.5,"bytes":[33],"top_logprobs":[{"token":"!","logprob":-0.5,"bytes":[33]${keys}}]${keys}}]${keys}}`);
};
/** A tool-call fragment with `callKeys` on the call and `functionKeys` on its function; the first names the call. */
const TOOL_FRAGMENT = (n, callKeys, functionKeys) =>
  chunk(`{"tool_calls":[{"index":0${n === 1 ? ',"id":"call_0","type":"function"' : ''},"function":{${n === 1 ? '"name":"f",' : ''}"arguments":"${n === 1 ? '{' : '}'}"${functionKeys}}${callKeys}}]}`);
const protoRows = [
  ['SSE: the chunk', (n) => chunk('{"content":"!"}', { extra: protoMembers(n) }), []],
  ['SSE: a choice', (n) => chunk('{"content":"!"}', { choiceExtra: protoMembers(n) }), ['choices', 0]],
  ['SSE: a delta (kept on the message)', (n) => chunk(inObject('{"content":"!"}', n)), ['choices', 0, 'message']],
  ['SSE: a tool call', (n) => TOOL_FRAGMENT(n, protoMembers(n), ''), ['choices', 0, 'message', 'tool_calls', 0]],
  ['SSE: a tool call function', (n) => TOOL_FRAGMENT(n, '', protoMembers(n)), ['choices', 0, 'message', 'tool_calls', 0, 'function']],
  ['SSE: logprobs', LOGPROBS, ['choices', 0, 'logprobs']],
  // Logprob entries are appended, one a chunk: the first holds the first sending.
  ['SSE: a logprob entry', LOGPROBS, ['choices', 0, 'logprobs', 'content', 0], 1],
  ['SSE: a top_logprobs entry', LOGPROBS, ['choices', 0, 'logprobs', 'content', 0, 'top_logprobs', 0], 1],
  ['SSE: usage', (n) => chunk('{}', { extra: `,"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2${protoMembers(n)}}` }), ['usage']],
  ['SSE: usage details', (n) => chunk('{}', { extra: `,"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2,"prompt_tokens_details":{"cached_tokens":0${protoMembers(n)}}}` }), ['usage', 'prompt_tokens_details']],
  // Parts of one type that carry text merge (README, merge rule 2): one part, later values for other fields.
  ['SSE: a content part (after the text part of "Hi")', (n) => chunk(`{"content":[{"type":"thinking","thinking":"t${n}"${protoMembers(n)}}]}`), ['choices', 0, 'message', 'content', 1]],
];
const ollamaProtoRows = [
  ['NDJSON: the line', (n) => ollamaLine('!', { extra: protoMembers(n) }), []],
  ['NDJSON: the message', (n) => ollamaLine('!', { message: protoMembers(n) }), ['message']],
  ['NDJSON: a tool call', (n) => ollamaLine('', { message: `,"tool_calls":[{"function":{"name":"f","arguments":{"x":1${protoMembers(n)}}${protoMembers(n)}}${protoMembers(n)}}]` }), ['message', 'tool_calls', 0]],
];

const protoCases = [
  // Unknown object fields take the later value (README, merge rules): the second sending.
  ...protoRows.map(([where, make, path, sending = 2]) => ({
    name: `prototype keys in ${where}, sent twice: own properties, nothing polluted`,
    body: () => sse(FIRST, make(1), make(2), STOP, '[DONE]'),
    facts: protoFacts(path),
    expect: ok(kept(sending)),
  })),
  ...ollamaProtoRows.map(([where, make, path]) => ({
    name: `prototype keys in ${where}, sent twice: own properties, nothing polluted`,
    body: () => ndjson(OLLAMA_FIRST, make(1), make(2), OLLAMA_DONE),
    facts: protoFacts(path),
    // Ollama tool calls are appended whole, one a line: the first holds the first sending.
    expect: ok(path.includes('tool_calls') ? kept(1) : kept(2)),
  })),
  {
    name: 'prototype keys in Ollama tool-call arguments: the arguments object keeps them as own properties',
    body: () => ndjson(OLLAMA_FIRST, ollamaLine('', { message: `,"tool_calls":[{"function":{"name":"f","arguments":{"x":1${protoMembers(1)}}}}]` }), OLLAMA_DONE),
    facts: protoFacts(['message', 'tool_calls', 0, 'function', 'arguments']),
    expect: ok(kept(1)),
  },
  {
    name: 'prototype keys in a Responses item, part and event: nothing polluted',
    body: () => sse(...responsesEvents(responsesText(['"Hi"'], { itemExtra: protoMembers(1), partExtra: protoMembers(1), eventExtra: protoMembers(1) }), { completedOutput: '[]' })),
    facts: (r) => ({ text: textOf(r), item: protoFacts(['output', 0])(r), part: protoFacts(['output', 0, 'content', 0])(r) }),
    expect: ok({ text: 'Hi', item: kept(1), part: kept(1) }),
  },
  {
    name: 'prototype keys in a Responses response object: kept as own properties',
    body: () => sse(...responsesEvents([], { completedOutput: '[]' })).replace(/"status":"completed","model":"gpt-4o","output":\[\]}/, `"status":"completed","model":"gpt-4o","output":[]${protoMembers(2)}}`),
    facts: protoFacts([]),
    expect: ok(kept(2)),
  },
];

// ---- control characters --------------------------------------------------------------------

/** Every C0 control (LF and CR included: they end the line early), DEL, and C1 controls as characters. */
const CONTROLS = [...Array.from({ length: 32 }, (_, i) => i), 0x7f, 0x80, 0x85, 0x9b, 0x9f];
/** The raw control inside a JSON string: one byte below 0x80, else the character's UTF-8. */
const raw = (c) => (c < 0x80 ? [c] : String.fromCharCode(c));
const hex = (c) => `0x${c.toString(16).padStart(2, '0')}`;
const ALL_CONTROLS = Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join('') + '\u007f\u0080\u009b\u009f\u2028\u2029';
const controlCases = [
  {
    name: 'SSE: content holding every control character (JSON-escaped) comes out exactly',
    body: () => sse(FIRST, chunk(`{"content":${JSON.stringify(ALL_CONTROLS)}}`), STOP, '[DONE]'),
    facts: (r) => ({ exact: textOf(r) === `Hi${ALL_CONTROLS}` }),
    expect: ok({ exact: true }),
  },
  {
    name: 'NDJSON: content holding every control character (JSON-escaped) comes out exactly',
    body: () => ndjson(OLLAMA_FIRST, ollamaLine(ALL_CONTROLS), OLLAMA_DONE),
    facts: (r) => ({ exact: textOf(r) === `Hi${ALL_CONTROLS}` }),
    expect: ok({ exact: true }),
  },
  // Raw, inside a JSON string: invalid JSON below 0x20 (a ParseError naming the event or line), text from DEL on.
  ...CONTROLS.flatMap((c) => [
    {
      name: `SSE: a raw ${hex(c)} inside a JSON string`,
      body: () => bytes(sse(FIRST), `data: ${CONTENT[0]}a`, raw(c), `b${CONTENT[1]}\n\n`, sse(STOP, '[DONE]')),
      facts: (r) => ({ text: textOf(r) }),
      errorFacts: (e) => ({ event: e.event }),
      expect: c < 0x20 ? fails('ParseError', 'parse', { event: 2 }) : ok({ text: `Hia${String.fromCharCode(c)}b` }),
    },
    {
      name: `NDJSON: a raw ${hex(c)} inside a JSON string`,
      body: () => bytes(ndjson(OLLAMA_FIRST), `${LINE_CONTENT[0]}a`, raw(c), `b${LINE_CONTENT[1]}\n`, ndjson(OLLAMA_DONE)),
      facts: (r) => ({ text: textOf(r) }),
      errorFacts: (e) => ({ line: e.line }),
      expect: c < 0x20 ? fails('ParseError', 'parse', { line: 2 }) : ok({ text: `Hia${String.fromCharCode(c)}b` }),
    },
  ]),
];

// ---- the table -----------------------------------------------------------------------------

export const CASES = [
  // Deep nesting: error objects, unknown fields, content, tool arguments; within and past the limit.
  { name: `SSE: an error object ${DEEP} levels deep is the ProviderError`, body: () => sse(`{"error":${nestedObjects(DEEP)}}`), expect: fails('ProviderError', 'provider') },
  { name: `NDJSON: an error object ${DEEP} levels deep is the ProviderError`, body: () => ndjson(`{"error":${nestedObjects(DEEP)}}`), expect: fails('ProviderError', 'provider') },
  { name: `SSE: an error object ${TOO_DEEP} levels deep (past the limit) is still the ProviderError`, body: () => sse(FIRST, `{"error":${nestedObjects(TOO_DEEP)}}`), expect: fails('ProviderError', 'provider') },
  { name: `NDJSON: an error of ${DEEP} nested arrays after content`, body: () => ndjson(OLLAMA_FIRST, `{"error":${nestedArrays(DEEP)}}`), expect: fails('ProviderError', 'provider') },
  { name: `Responses: an error event with a field ${DEEP} levels deep`, body: () => sse(...responsesEvents([`"type":"error","code":"server_error","message":"boom","param":${nestedObjects(DEEP)}`])), expect: fails('ProviderError', 'provider') },
  { name: `Responses: response.failed whose error is ${DEEP} levels deep`, body: () => sse(...responsesEvents([`"type":"response.failed","response":{"id":"r","object":"response","status":"failed","output":[],"error":${nestedObjects(DEEP)}}`])), expect: fails('ProviderError', 'provider') },
  {
    name: `SSE: unknown fields of ${DEEP} nested arrays and objects are kept whole`,
    body: () => sse(FIRST, chunk('{"content":"!"}', { extra: `,"deepArrays":${nestedArrays(DEEP)}`, choiceExtra: `,"deepObjects":${nestedObjects(DEEP)}` }), STOP, '[DONE]'),
    facts: (r) => ({ text: textOf(r), arrays: depthOf(r.deepArrays), objects: depthOf(r.choices[0].deepObjects) }),
    expect: ok({ text: 'Hi!', arrays: DEEP, objects: DEEP }),
  },
  {
    name: `SSE with events: unknown fields ${DEEP} levels deep, every snapshot built`,
    via: 'events',
    body: () => sse(FIRST, chunk('{"content":"!"}', { extra: `,"deep":${nestedObjects(DEEP)}` }), STOP, '[DONE]'),
    facts: (r) => ({ text: textOf(r), depth: depthOf(r.deep) }),
    expect: ok({ text: 'Hi!', depth: DEEP }),
  },
  { name: `SSE: an unknown field ${TOO_DEEP} levels deep is a LimitError (maxDepth)`, body: () => sse(FIRST, chunk('{}', { extra: `,"deep":${nestedArrays(TOO_DEEP)}` }), STOP, '[DONE]'), errorFacts: (e) => ({ limit: e.limitName, event: e.event, text: textOf(e.partial) }), expect: fails('LimitError', 'limit', { limit: 'maxDepth', event: 2, text: 'Hi' }) },
  { name: `NDJSON: an unknown field ${TOO_DEEP} levels deep is a LimitError (maxDepth)`, body: () => ndjson(OLLAMA_FIRST, ollamaLine('', { extra: `,"deep":${nestedObjects(TOO_DEEP)}` })), errorFacts: (e) => ({ limit: e.limitName, line: e.line }), expect: fails('LimitError', 'limit', { limit: 'maxDepth', line: 2 }) },
  { name: `Responses: an unknown item field ${TOO_DEEP} levels deep is a LimitError (maxDepth)`, body: () => sse(...responsesEvents(responsesText(['"Hi"'], { itemExtra: `,"deep":${nestedArrays(TOO_DEEP)}` }))), expect: fails('LimitError', 'limit') },
  { name: `SSE: content of ${DEEP} nested arrays is a ParseError naming the field`, body: () => sse(FIRST, chunk(`{"content":${nestedArrays(DEEP)}}`), STOP, '[DONE]'), errorFacts: (e) => ({ named: /delta\.content/.test(e.message) }), expect: fails('ParseError', 'parse', { named: true }) },
  {
    name: `SSE with events: tool arguments ${DEEP} levels deep, parsed as they grow and at the end`,
    via: 'events',
    body: () => sse(FIRST, ...nestedObjects(DEEP).match(/.{1,4000}/g).map((f, i) => (i === 0 ? toolCall(0, JSON.stringify(f)) : chunk(`{"tool_calls":[{"index":0,"function":{"arguments":${JSON.stringify(f)}}}]}`))), TOOL_STOP, '[DONE]'),
    facts: (r) => ({ argsLength: r.choices[0].message.tool_calls[0].function.arguments.length }),
    expect: ok({ argsLength: nestedObjects(DEEP).length }),
    timeoutMs: 20_000,
  },
  {
    name: `SSE with events: tool arguments ${TOO_DEEP} levels deep end with the text kept`,
    via: 'events',
    body: () => sse(FIRST, toolCall(0, JSON.stringify(nestedArrays(TOO_DEEP))), TOOL_STOP, '[DONE]'),
    facts: (r) => ({ argsLength: r.choices[0].message.tool_calls[0].function.arguments.length }),
    expect: ok({ argsLength: 2 * TOO_DEEP }),
  },
  {
    name: `SSE: tool arguments sent as a raw object ${DEEP} levels deep`,
    body: () => sse(FIRST, toolCall(0, nestedObjects(DEEP)), TOOL_STOP, '[DONE]'),
    facts: (r) => ({ argsLength: r.choices[0].message.tool_calls[0].function.arguments.length }),
    expect: ok({ argsLength: nestedObjects(DEEP).length }),
  },
  {
    name: `NDJSON with events: tool arguments ${DEEP} levels deep are kept`,
    via: 'events',
    body: () => ndjson(OLLAMA_FIRST, ollamaLine('', { message: `,"tool_calls":[{"function":{"name":"f","arguments":${nestedObjects(DEEP)}}}]` }), OLLAMA_DONE),
    facts: (r) => ({ depth: depthOf(r.message.tool_calls[0].function.arguments) }),
    expect: ok({ depth: DEEP }),
  },
  {
    name: `Responses with events: function_call arguments ${DEEP} levels deep`,
    via: 'events',
    body: () => sse(...responsesEvents(responsesCall(nestedObjects(DEEP).match(/.{1,4000}/g).map((f) => JSON.stringify(f))), { completedOutput: '[]' })),
    facts: (r) => ({ argsLength: r.output[0].arguments.length }),
    expect: ok({ argsLength: nestedObjects(DEEP).length }),
    timeoutMs: 20_000,
  },
  {
    name: `Responses: a text delta that is an object ${DEEP} levels deep is a ParseError with a short message`,
    body: () => sse(...responsesEvents(responsesText(['"Hi"', nestedObjects(DEEP)]), { completedOutput: '[]' })),
    errorFacts: (e) => ({ text: textOf(e.partial), short: e.message.length < 400 }),
    expect: fails('ParseError', 'parse', { text: 'Hi', short: true }),
  },
  {
    name: `Responses with events: function_call arguments sent as an object ${DEEP} levels deep in output_item.done`,
    via: 'events',
    body: () => sse(...responsesEvents([
      ...responsesCall(['"{}"']),
      `"type":"response.output_item.done","output_index":0,"item":{"id":"fc_1","type":"function_call","status":"completed","call_id":"call_1","name":"f","arguments":${nestedObjects(DEEP)}}`,
    ], { completedOutput: '[]' })),
    facts: (r) => ({ depth: depthOf(r.output[0].arguments) }),
    expect: ok({ depth: DEEP }),
  },
  {
    name: `Responses: a response.completed without a response object, ${DEEP} levels deep elsewhere`,
    body: () => sse(...responsesEvents([`"type":"response.completed","response":5,"deep":${nestedObjects(DEEP)}`])),
    errorFacts: (e) => ({ short: e.message.length < 400 }),
    expect: fails('ParseError', 'parse', { short: true }),
  },
  {
    name: `SSE: a logprob entry with an unknown field ${DEEP} levels deep`,
    body: () => sse(FIRST, chunk('{"content":"!"}').replace('"logprobs":null', `"logprobs":{"content":[{"token":"!","logprob":-1,"bytes":[33],"top_logprobs":[],"deep":${nestedArrays(DEEP)}}]}`), STOP, '[DONE]'),
    facts: (r) => ({ depth: depthOf(r.choices[0].logprobs.content[0].deep) }),
    expect: ok({ depth: DEEP }),
  },

  // Huge numbers: read as JavaScript numbers (Infinity, -0, the nearest double), never a failure.
  {
    name: 'SSE: 1e400, -0, 2^53+1 and 5000-digit integers in created, usage and logprobs',
    body: () => sse(
      FIRST,
      chunk('{"content":"!"}').replace('"logprobs":null', '"logprobs":{"content":[{"token":"!","logprob":-0,"bytes":[9007199254740993],"top_logprobs":[]}]}'),
      // The envelope takes its last real value (README, merge rule 6): created on the last chunk.
      chunk('{}', { finish: '"stop"', extra: `,"usage":{"prompt_tokens":${DIGITS_5000},"completion_tokens":-0,"total_tokens":9007199254740993}` }).replace('"created":1700000000', '"created":1e400'),
      '[DONE]',
    ),
    facts: (r) => ({ created: String(r.created), logprob: Object.is(r.choices[0].logprobs.content[0].logprob, -0), byte: r.choices[0].logprobs.content[0].bytes[0], prompt: String(r.usage.prompt_tokens), completionIsMinusZero: Object.is(r.usage.completion_tokens, -0), total: r.usage.total_tokens }),
    expect: ok({ created: 'Infinity', logprob: true, byte: 9007199254740992, prompt: 'Infinity', completionIsMinusZero: true, total: 9007199254740992 }),
  },
  {
    name: 'NDJSON: 1e400 and 5000-digit integers in metrics and context',
    body: () => ndjson(OLLAMA_FIRST, ollamaLine('', { done: true, extra: `,"eval_count":1e400,"total_duration":${DIGITS_5000},"prompt_eval_count":-0,"context":[9007199254740993,-1e400]` })),
    facts: (r) => ({ eval: String(r.eval_count), total: String(r.total_duration), context: r.context.map(String) }),
    expect: ok({ eval: 'Infinity', total: 'Infinity', context: ['9007199254740992', '-Infinity'] }),
  },
  {
    name: 'Responses: 1e400 and 5000-digit integers in usage',
    body: () => sse(...responsesEvents(responsesText(['"Hi"']), { completedOutput: '[]' })).replace(/"status":"completed","model":"gpt-4o","output":\[\]}/, `"status":"completed","model":"gpt-4o","output":[],"usage":{"input_tokens":1e400,"output_tokens":${DIGITS_5000},"total_tokens":-0}}`),
    facts: (r) => ({ text: textOf(r), input: String(r.usage?.input_tokens) }),
    expect: ok({ text: 'Hi', input: 'Infinity' }),
  },

  // Absurd indexes: a LimitError past the documented limit (1,000,000), a ParseError for what is no index.
  ...[['1e9', 'LimitError'], ['1000001', 'LimitError'], ['-1', 'ParseError'], ['1.5', 'ParseError'], ['"0"', 'ParseError'], ['"NaN"', 'ParseError'], ['1e400', 'ParseError'], [DIGITS_5000, 'ParseError']].flatMap(([index, error]) => [
    { name: `SSE: choices[].index ${short(index)}`, body: () => sse(FIRST, chunk('{"content":"x"}', { index }), STOP, '[DONE]'), errorFacts: (e) => ({ text: textOf(e.partial), event: e.event }), expect: fails(error, error === 'LimitError' ? 'limit' : 'parse', { text: 'Hi', event: 2 }) },
    { name: `SSE: tool_calls[].index ${short(index)}`, body: () => sse(FIRST, toolCall(index), TOOL_STOP, '[DONE]'), errorFacts: (e) => ({ event: e.event }), expect: fails(error, error === 'LimitError' ? 'limit' : 'parse', { event: 2 }) },
  ]),
  // null is "not sent" (README, merge rule 12): the choice is choice 0, the call an index-less fragment of the last one.
  { name: 'SSE: choices[].index null is choice 0', body: () => sse(FIRST, chunk('{"content":"x"}', { index: 'null' }), STOP, '[DONE]'), facts: (r) => ({ text: textOf(r), choices: r.choices.length }), expect: ok({ text: 'Hix', choices: 1 }) },
  { name: 'SSE: tool_calls[].index null continues the call', body: () => sse(FIRST, toolCall(0, '"{\\"a\\""'), toolCall('null', '":1}"').replace('"id":"call_null",', ''), TOOL_STOP, '[DONE]'), facts: (r) => ({ calls: callsOf(r).map((c) => c.function.arguments) }), expect: ok({ calls: ['{"a":1}'] }) },
  { name: 'SSE: choices[].index 1000000, the largest accepted, allocates nothing of that size', body: () => sse(FIRST, chunk('{"content":"x"}', { index: '1000000', finish: '"stop"' }), STOP, '[DONE]'), facts: (r) => ({ indexes: r.choices.map((c) => c.index) }), expect: ok({ indexes: [0, 1000000] }), heapMb: 64 },
  ...[['1e9', 'LimitError'], ['-1', 'ParseError'], ['1.5', 'ParseError'], ['"0"', 'ParseError']].map(([index, error]) => ({
    name: `Responses: output_index ${index}`,
    body: () => sse(...responsesEvents(responsesText(['"Hi"'], { outputIndex: index }), { completedOutput: '[]' })),
    expect: fails(error, error === 'LimitError' ? 'limit' : 'parse'),
  })),
  {
    name: 'Responses: content_index 1e9',
    body: () => sse(...responsesEvents(responsesText(['"Hi"']).map((e) => e.replace('"content_index":0', '"content_index":1000000000')), { completedOutput: '[]' })),
    expect: fails('LimitError', 'limit'),
  },

  // Many slots: linear in their number (the issue measured 26 s for 100,000 tool calls).
  {
    name: 'SSE: 100,000 tool calls on distinct indexes',
    body: () => (function* () {
      yield sse(FIRST);
      for (let i = 0; i < 100_000; i++) yield `data: ${toolCall(i)}\n\n`;
      yield sse(TOOL_STOP, '[DONE]');
    })(),
    facts: (r) => ({ calls: callsOf(r).length, last: callsOf(r).at(-1).id }),
    expect: ok({ calls: 100_000, last: 'call_99999' }),
    heapMb: 512,
    timeoutMs: 20_000,
  },
  {
    name: 'SSE: 100,000 tool calls on descending indexes',
    body: () => (function* () {
      yield sse(FIRST);
      for (let i = 99_999; i >= 0; i--) yield `data: ${toolCall(i)}\n\n`;
      yield sse(TOOL_STOP, '[DONE]');
    })(),
    facts: (r) => ({ calls: callsOf(r).length, first: callsOf(r)[0].id }),
    expect: ok({ calls: 100_000, first: 'call_0' }),
    heapMb: 512,
    timeoutMs: 20_000,
  },
  {
    name: 'SSE: 100,000 choices in descending index order',
    body: () => (function* () {
      for (let i = 99_999; i >= 0; i--) yield `data: ${chunk('{"role":"assistant","content":"x"}', { index: String(i), finish: '"stop"' })}\n\n`;
      yield sse('[DONE]');
    })(),
    facts: (r) => ({ choices: r.choices.length, first: r.choices[0].index, last: r.choices.at(-1).index }),
    expect: ok({ choices: 100_000, first: 0, last: 99_999 }),
    heapMb: 512,
    timeoutMs: 20_000,
  },

  // Huge strings: tens of MB in one event, within and over maxEventSize; lines that never end.
  { name: 'SSE: one 30 MB content delta (within the default event size)', body: () => repeated(`${sse(FIRST)}data: ${CONTENT[0]}`, 'x', 30 * MB, `${CONTENT[1]}\n\n${sse(STOP, '[DONE]')}`), facts: (r) => ({ textLength: textOf(r).length }), expect: ok({ textLength: 30 * MB + 2 }), heapMb: 640, timeoutMs: 30_000 },
  { name: 'SSE: a 20 MB event over maxEventSize 8 MB is a LimitError', options: { maxEventSize: 8 * MB }, body: () => repeated(sse(FIRST) + 'data: {"choices":[{"index":0,"delta":{"content":"', 'x', 20 * MB, '"}}]}\n\n'), errorFacts: (e) => ({ limit: e.limitName, text: textOf(e.partial) }), expect: fails('LimitError', 'limit', { text: 'Hi' }), heapMb: 256 },
  { name: 'NDJSON: one 30 MB content line', body: () => repeated(ndjson(OLLAMA_FIRST) + '{"model":"m","created_at":"t","message":{"role":"assistant","content":"', 'y', 30 * MB, `"},"done":false}\n${ndjson(OLLAMA_DONE)}`), facts: (r) => ({ textLength: textOf(r).length }), expect: ok({ textLength: 30 * MB + 2 }), heapMb: 640, timeoutMs: 30_000 },
  { name: 'NDJSON: a 20 MB line over maxEventSize 8 MB is a LimitError', options: { maxEventSize: 8 * MB }, body: () => repeated(ndjson(OLLAMA_FIRST) + '{"model":"m","message":{"content":"', 'y', 20 * MB, '"},"done":false}\n'), errorFacts: (e) => ({ text: textOf(e.partial) }), expect: fails('LimitError', 'limit', { text: 'Hi' }), heapMb: 256 },
  { name: 'Responses: one 30 MB text delta', body: () => repeated(sse(...responsesEvents(responsesText([]))) + 'data: {"type":"response.output_text.delta","item_id":"msg_1","output_index":0,"content_index":0,"delta":"', 'z', 30 * MB, `","sequence_number":3}\n\n${sse(...responsesEvents([], { completedOutput: '[]' }).slice(1))}`), facts: (r) => ({ textLength: textOf(r).length }), expect: ok({ textLength: 30 * MB }), heapMb: 640, timeoutMs: 30_000 },
  { name: 'SSE: a 100 MB data line with no line end stops at the default event size', body: () => repeated(sse(FIRST) + 'data: "', 'x', 100 * MB), expect: fails('LimitError', 'limit'), heapMb: 384, timeoutMs: 30_000 },
  { name: 'SSE: a 100 MB comment line with no line end stops at the default event size', body: () => repeated(sse(FIRST) + ': ', 'x', 100 * MB), expect: fails('LimitError', 'limit'), heapMb: 384, timeoutMs: 30_000 },
  { name: 'SSE: a 100 MB field name with no colon and no line end', body: () => repeated(sse(FIRST), 'x', 100 * MB), expect: fails('LimitError', 'limit'), heapMb: 384, timeoutMs: 30_000 },
  { name: 'NDJSON: a 100 MB line with no line end stops at the default line size', body: () => repeated(ndjson(OLLAMA_FIRST) + '{"message":{"content":"', 'y', 100 * MB), expect: fails('LimitError', 'limit'), heapMb: 384, timeoutMs: 30_000 },
  { name: 'SSE: 100 MB of events past maxTotalBytes 4 MB is a LimitError', options: { maxTotalBytes: 4 * MB }, body: () => repeated(sse(FIRST), `data: ${chunk('{"content":"x"}')}\n\n`, 600_000), errorFacts: (e) => ({ limit: e.limitName }), expect: fails('LimitError', 'limit', { limit: 'maxTotalBytes' }), heapMb: 128 },

  // Invalid UTF-8 and lone surrogates.
  { name: 'SSE: a 0xff byte in content is a ParseError', body: () => bytes(sse(FIRST), 'data: {"choices":[{"index":0,"delta":{"content":"a', [0xff], '"}}]}\n\n'), expect: fails('ParseError', 'parse') },
  { name: 'SSE: a CESU-8 surrogate (ED A0 80) is a ParseError', body: () => bytes(sse(FIRST), 'data: {"choices":[{"index":0,"delta":{"content":"a', [0xed, 0xa0, 0x80], '"}}]}\n\n'), expect: fails('ParseError', 'parse') },
  { name: 'SSE: an overlong encoding (C0 AF) is a ParseError', body: () => bytes(sse(FIRST), 'data: {"choices":[{"index":0,"delta":{"content":"a', [0xc0, 0xaf], '"}}]}\n\n'), expect: fails('ParseError', 'parse') },
  { name: 'NDJSON: a 0xfe byte in content is a ParseError naming line 2', body: () => bytes(ndjson(OLLAMA_FIRST), '{"model":"m","message":{"content":"', [0xfe], '"},"done":false}\n'), errorFacts: (e) => ({ line: e.line }), expect: fails('ParseError', 'parse', { line: 2 }) },
  { name: 'NDJSON: a body cut inside a multi-byte character is truncated', body: () => bytes(ndjson(OLLAMA_FIRST), '{"model":"m","message":{"content":"', [0xe4, 0xb8]), errorFacts: (e) => ({ text: textOf(e.partial) }), expect: fails('TruncatedStreamError', 'truncated', { text: 'Hi' }) },
  { name: 'Responses: a 0xff byte in a text delta is a ParseError', body: () => bytes(sse(...responsesEvents(responsesText([]))), 'data: {"type":"response.output_text.delta","item_id":"msg_1","output_index":0,"content_index":0,"delta":"', [0xff], '","sequence_number":3}\n\n'), expect: fails('ParseError', 'parse') },
  { name: 'SSE: lone surrogates written as JSON escapes are kept as they are', body: () => sse(FIRST, chunk('{"content":"\\ud800x\\udfff"}'), STOP, '[DONE]'), facts: (r) => ({ codes: [...textOf(r)].map((ch) => ch.codePointAt(0)) }), expect: ok({ codes: [72, 105, 0xd800, 120, 0xdfff] }) },
  { name: 'NDJSON: lone surrogates written as JSON escapes are kept as they are', body: () => ndjson(OLLAMA_FIRST, ollamaLine('\ud800'), OLLAMA_DONE), facts: (r) => ({ last: textOf(r).charCodeAt(2) }), expect: ok({ last: 0xd800 }) },

  // Millions of tiny events: bounded memory (the child's heap is small), linear time.
  { name: 'SSE: 2,000,000 keep-alive comment lines between two chunks', body: () => repeated(sse(FIRST), ': keep-alive\n\n', 2_000_000, sse(chunk('{"content":"!"}'), STOP, '[DONE]')), facts: (r) => ({ text: textOf(r) }), expect: ok({ text: 'Hi!' }), heapMb: 96, timeoutMs: 30_000 },
  { name: 'SSE: 1,000,000 `data: {}` events between two chunks', body: () => repeated(sse(FIRST), 'data: {}\n\n', 1_000_000, sse(chunk('{"content":"!"}'), STOP, '[DONE]')), facts: (r) => ({ text: textOf(r) }), expect: ok({ text: 'Hi!' }), heapMb: 96, timeoutMs: 30_000 },
  { name: 'SSE: 2,000,000 empty lines', body: () => repeated(sse(FIRST), '\n', 2_000_000, sse(STOP, '[DONE]')), facts: (r) => ({ text: textOf(r) }), expect: ok({ text: 'Hi' }), heapMb: 64, timeoutMs: 30_000 },
  { name: 'SSE with events: 300,000 one-character deltas, every event counted', via: 'events', body: () => repeated(sse(FIRST), `data: ${chunk('{"content":"x"}')}\n\n`, 300_000, sse(STOP, '[DONE]')), facts: (r, seen) => ({ textLength: textOf(r).length, manyEvents: seen.events > 300_000 }), expect: ok({ textLength: 300_002, manyEvents: true }), heapMb: 128, timeoutMs: 20_000 },
  { name: 'NDJSON: 2,000,000 blank lines between two lines', body: () => repeated(ndjson(OLLAMA_FIRST), '\n', 2_000_000, ndjson(ollamaLine('!'), OLLAMA_DONE)), facts: (r) => ({ text: textOf(r) }), expect: ok({ text: 'Hi!' }), heapMb: 64, timeoutMs: 30_000 },
  { name: 'NDJSON: 1,000,000 CRLF line ends', body: () => repeated(ndjson(OLLAMA_FIRST), '\r\n', 1_000_000, ndjson(OLLAMA_DONE)), facts: (r) => ({ text: textOf(r) }), expect: ok({ text: 'Hi' }), heapMb: 64, timeoutMs: 30_000 },
  { name: 'NDJSON: 1,000,000 lines of empty content', body: () => repeated(ndjson(OLLAMA_FIRST), `${ollamaLine('')}\n`, 1_000_000, ndjson(OLLAMA_DONE)), facts: (r) => ({ text: textOf(r) }), expect: ok({ text: 'Hi' }), heapMb: 96, timeoutMs: 40_000 },
  { name: 'Responses: 1,000,000 one-character text deltas', body: () => repeated(sse(...responsesEvents(responsesText([]))), 'data: {"type":"response.output_text.delta","item_id":"msg_1","output_index":0,"content_index":0,"delta":"x"}\n\n', 1_000_000, sse(...responsesEvents([], { completedOutput: '[]' }).slice(1))), facts: (r) => ({ textLength: textOf(r).length }), expect: ok({ textLength: 1_000_000 }), heapMb: 128, timeoutMs: 40_000 },

  // Byte order marks: one at the start is dropped; one mid-stream is data, as the formats say.
  { name: 'SSE: a BOM at the start is dropped', body: () => `\ufeff${sse(FIRST, STOP, '[DONE]')}`, facts: (r) => ({ text: textOf(r) }), expect: ok({ text: 'Hi' }) },
  { name: 'NDJSON: a BOM at the start is dropped', body: () => `\ufeff${ndjson(OLLAMA_FIRST, OLLAMA_DONE)}`, facts: (r) => ({ text: textOf(r) }), expect: ok({ text: 'Hi' }) },
  // The SSE standard strips only a leading BOM: mid-stream it makes the field name `\ufeffdata`, a field no one knows, so the line is ignored.
  { name: 'SSE: a BOM before a later data line makes it a line of an unknown field', body: () => `${sse(FIRST)}\ufeff${sse(chunk('{"content":"!"}'), STOP, '[DONE]')}`, facts: (r) => ({ text: textOf(r) }), expect: ok({ text: 'Hi' }) },
  { name: 'SSE: a BOM inside a data value before the JSON is a ParseError', body: () => sse(FIRST, `\ufeff${chunk('{"content":"!"}')}`, STOP, '[DONE]'), errorFacts: (e) => ({ event: e.event }), expect: fails('ParseError', 'parse', { event: 2 }) },
  { name: 'NDJSON: a BOM before a later line is a ParseError naming it', body: () => `${ndjson(OLLAMA_FIRST)}\ufeff${ndjson(ollamaLine('!'), OLLAMA_DONE)}`, errorFacts: (e) => ({ line: e.line }), expect: fails('ParseError', 'parse', { line: 2 }) },
  { name: 'SSE: BOMs inside content are text', body: () => sse(FIRST, chunk('{"content":"\ufeff!\ufeff"}'), STOP, '[DONE]'), facts: (r) => ({ text: textOf(r) }), expect: ok({ text: 'Hi\ufeff!\ufeff' }) },

  // Other SSE fields and wide objects.
  { name: `SSE: an \`event: error\` whose data is ${DEEP} levels deep is the ProviderError`, body: () => `${sse(FIRST)}event: error\ndata: {"error":${nestedObjects(DEEP)}}\n\n`, errorFacts: (e) => ({ text: textOf(e.partial) }), expect: fails('ProviderError', 'provider', { text: 'Hi' }) },
  { name: 'SSE: a 10 MB id line and a 10 MB retry line are no event', body: () => (function* () {
    yield sse(FIRST);
    yield* repeated('id: ', '7', 10 * MB, '\n');
    yield* repeated('retry: ', '9', 10 * MB, '\n\n');
    yield sse(STOP, '[DONE]');
  })(), facts: (r) => ({ text: textOf(r) }), expect: ok({ text: 'Hi' }), heapMb: 256, timeoutMs: 20_000 },
  { name: 'SSE: a chunk with 200,000 unknown keys, sent twice, keeps them all', body: () => {
    const wide = `,"wide":{${Array.from({ length: 200_000 }, (_, i) => `"k${i}":${i}`).join(',')}}`;
    return sse(FIRST, chunk('{"content":"!"}', { extra: wide }), chunk('{}', { extra: wide, finish: '"stop"' }), '[DONE]');
  }, facts: (r) => ({ keys: Object.keys(r.wide).length, last: r.wide.k199999 }), expect: ok({ keys: 200_000, last: 199_999 }), heapMb: 256, timeoutMs: 20_000 },
  { name: 'NDJSON: a final line whose context holds 1,000,000 numbers', body: () => ndjson(OLLAMA_FIRST, ollamaLine('', { done: true, extra: `,"context":[${Array.from({ length: 1_000_000 }, (_, i) => i).join(',')}]` })), facts: (r) => ({ context: r.context.length }), expect: ok({ context: 1_000_000 }), heapMb: 256, timeoutMs: 20_000 },

  ...protoCases,
  ...controlCases,

  // Through streamResponse too: the shared stream ends in the same typed error.
  { name: `streamResponse: an NDJSON error object ${DEEP} levels deep`, via: 'response', body: () => ndjson(OLLAMA_FIRST, `{"error":${nestedObjects(DEEP)}}`), expect: fails('ProviderError', 'provider') },
  { name: 'streamResponse: a 100 MB SSE line with no line end', via: 'response', body: () => repeated(sse(FIRST) + 'data: "', 'x', 100 * MB), expect: fails('LimitError', 'limit'), heapMb: 384, timeoutMs: 30_000 },
].map((c) => ({ facts: summary, ...c }));

const names = new Set();
for (const c of CASES) {
  if (names.has(c.name)) throw new Error(`two adversarial cases are named ${c.name}`);
  names.add(c.name);
}
