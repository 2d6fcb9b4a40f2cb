// Builders of hostile bodies for the adversarial suite, in the shapes of the three wire formats:
// OpenAI chat-completions SSE, Ollama NDJSON and OpenAI Responses API SSE (field names from the
// providers' public API references and the recordings in recordings/). Bodies are made in the
// child process that reads them, as lazy iterables of pieces, so a body of millions of events
// or hundreds of megabytes never exists whole.

const encoder = new TextEncoder();

/** Pieces of at most this many bytes, as a server's writes arrive. */
export const PIECE_BYTES = 64 * 1024;

// ---- OpenAI chat completions (SSE) ----------------------------------------------------------

const HEAD = '"id":"chatcmpl-adv","object":"chat.completion.chunk","created":1700000000,"model":"m"';

/** A chunk of one choice: `delta`, `extra` (more top-level members, leading comma) and `choiceExtra` as JSON text. */
export function chunk(delta = '{}', { extra = '', finish = 'null', index = '0', choiceExtra = '' } = {}) {
  return `{${HEAD}${extra},"choices":[{"index":${index},"delta":${delta},"logprobs":null,"finish_reason":${finish}${choiceExtra}}]}`;
}
export const FIRST = chunk('{"role":"assistant","content":"Hi"}');
export const STOP = chunk('{}', { finish: '"stop"' });
export const TOOL_STOP = chunk('{}', { finish: '"tool_calls"' });
/** An SSE event per data text. */
export const sse = (...data) => data.map((d) => `data: ${d}\n\n`).join('');
/** A tool-call delta with `args` (JSON text of the arguments string's value, quotes included) at `index`. */
export const toolCall = (index, args = '"{}"', more = '') =>
  chunk(`{"tool_calls":[{"index":${index},"id":"call_${index}","type":"function","function":{"name":"f","arguments":${args}${more}}}]}`);

// ---- Ollama (NDJSON) -----------------------------------------------------------------------

export const ollamaLine = (content = '', { done = false, extra = '', message = '' } = {}) =>
  `{"model":"m","created_at":"2026-01-01T00:00:00Z","message":{"role":"assistant","content":${JSON.stringify(content)}${message}},"done":${done}${done ? ',"done_reason":"stop"' : ''}${extra}}`;
export const OLLAMA_FIRST = ollamaLine('Hi');
export const OLLAMA_DONE = ollamaLine('', { done: true });
export const ndjson = (...lines) => lines.map((l) => `${l}\n`).join('');

// ---- OpenAI Responses API (SSE) ------------------------------------------------------------

const RESPONSE = (status, output = '[]') =>
  `{"id":"resp_adv","object":"response","created_at":1767225600,"status":"${status}","model":"gpt-4o","output":${output}}`;
/** Numbered Responses events: `responsesBody(['response.output_text.delta', '"delta":"x"'], …)` between created and completed. */
export function responsesEvents(middle, { completedOutput } = {}) {
  const events = [`"type":"response.created","response":${RESPONSE('in_progress')}`, ...middle];
  if (completedOutput !== undefined) events.push(`"type":"response.completed","response":${RESPONSE('completed', completedOutput)}`);
  return events.map((e, i) => `{${e},"sequence_number":${i}}`);
}
/** A message item with one output_text part receiving `deltas` (JSON texts of each delta value). */
export function responsesText(deltas, { itemExtra = '', partExtra = '', eventExtra = '', outputIndex = '0' } = {}) {
  const at = `"item_id":"msg_1","output_index":${outputIndex},"content_index":0`;
  return [
    `"type":"response.output_item.added","output_index":${outputIndex},"item":{"id":"msg_1","type":"message","status":"in_progress","role":"assistant","content":[]${itemExtra}}`,
    `"type":"response.content_part.added",${at},"part":{"type":"output_text","text":"","annotations":[]${partExtra}}`,
    ...deltas.map((d) => `"type":"response.output_text.delta",${at},"delta":${d}${eventExtra}`),
  ];
}
/** A function_call item whose arguments arrive as `deltas` (JSON string texts). */
export function responsesCall(deltas, { outputIndex = '0' } = {}) {
  const at = `"item_id":"fc_1","output_index":${outputIndex}`;
  return [
    `"type":"response.output_item.added","output_index":${outputIndex},"item":{"id":"fc_1","type":"function_call","status":"in_progress","call_id":"call_1","name":"f","arguments":""}`,
    ...deltas.map((d) => `"type":"response.function_call_arguments.delta",${at},"delta":${d}`),
  ];
}

// ---- shapes of JSON ------------------------------------------------------------------------

export const nestedArrays = (depth) => '['.repeat(depth) + ']'.repeat(depth);
export const nestedObjects = (depth, key = 'a') => `{"${key}":`.repeat(depth) + '1' + '}'.repeat(depth);

/** Depth of a value, counted without recursion (levels of containers; a scalar is 0). */
export function depthOf(root) {
  let max = 0;
  const stack = [[root, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop();
    if (typeof value !== 'object' || value === null) continue;
    if (depth + 1 > max) max = depth + 1;
    for (const key of Object.keys(value)) stack.push([value[key], depth + 1]);
  }
  return max;
}

// ---- lazy bodies ---------------------------------------------------------------------------

/** `head`, then `unit` repeated `count` times, then `tail`, in pieces of about PIECE_BYTES. */
export function* repeated(head, unit, count, tail = '') {
  yield encoder.encode(head);
  const perPiece = Math.max(1, Math.floor(PIECE_BYTES / Math.max(1, encoder.encode(unit).length)));
  const block = encoder.encode(unit.repeat(perPiece));
  let left = count;
  while (left >= perPiece) {
    yield block;
    left -= perPiece;
  }
  if (left > 0) yield encoder.encode(unit.repeat(left));
  if (tail) yield encoder.encode(tail);
}

/** Bytes spliced between texts: `bytes('data: "', [0xff], '"')`. */
export function bytes(...parts) {
  const pieces = parts.map((p) => (typeof p === 'string' ? encoder.encode(p) : Uint8Array.from(p)));
  const out = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
