// OpenAI Responses API SSE bodies (`POST /v1/responses`, stream: true) in the shape OpenAI sends
// (see recordings/responses/): `event:` + `data:` lines, a `sequence_number` on every event,
// `obfuscation` padding on deltas, the whole envelope in response.created / in_progress, and a
// response.completed that repeats the whole output. No `data: [DONE]`.
import { fragments, toolArguments } from './openai-bodies.mjs';
import { textToken } from './text.mjs';

const MODEL = 'gpt-4.1-2025-04-14';

function envelope(random) {
  const id = `resp_${random.alnum(48).toLowerCase()}`;
  const created = 1769111919 + random.int(0, 1e6);
  return (status, output, usage) => ({
    id, object: 'response', created_at: created, status, background: false, error: null, incomplete_details: null,
    instructions: null, max_output_tokens: null, max_tool_calls: null, model: MODEL, output, parallel_tool_calls: true,
    previous_response_id: null, prompt_cache_key: null, reasoning: { effort: null, summary: null }, safety_identifier: null,
    service_tier: status === 'completed' ? 'default' : 'auto', store: true, temperature: 1, text: { format: { type: 'text' }, verbosity: 'medium' },
    tool_choice: 'auto', tools: [], top_logprobs: 0, top_p: 1, truncation: 'disabled', usage, user: null, metadata: {},
  });
}

function writer(write) {
  let sequence = 0;
  return (type, fields) => {
    write(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence++, ...fields })}\n\n`);
    return sequence;
  };
}

const usageOf = (random, output) => {
  const input = random.int(20, 400);
  return { input_tokens: input, input_tokens_details: { cached_tokens: 0 }, output_tokens: output, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: input + output };
};

/** One message whose text comes in `tokens` output_text.delta events. Returns what it must assemble to. */
export function responsesText({ tokens }, random, write) {
  const env = envelope(random);
  const event = writer(write);
  const id = `msg_${random.alnum(48).toLowerCase()}`;
  event('response.created', { response: env('in_progress', [], null) });
  event('response.in_progress', { response: env('in_progress', [], null) });
  event('response.output_item.added', { output_index: 0, item: { id, type: 'message', status: 'in_progress', content: [], role: 'assistant' } });
  event('response.content_part.added', { item_id: id, output_index: 0, content_index: 0, part: { type: 'output_text', annotations: [], logprobs: [], text: '' } });
  const parts = [];
  for (let i = 0; i < tokens; i++) {
    const delta = textToken(random);
    parts.push(delta);
    event('response.output_text.delta', { item_id: id, output_index: 0, content_index: 0, delta, logprobs: [], obfuscation: random.alnum(random.int(0, 14)) });
  }
  const text = parts.join('');
  const part = { type: 'output_text', annotations: [], logprobs: [], text };
  const item = { id, type: 'message', status: 'completed', content: [part], role: 'assistant' };
  event('response.output_text.done', { item_id: id, output_index: 0, content_index: 0, text, logprobs: [] });
  event('response.content_part.done', { item_id: id, output_index: 0, content_index: 0, part });
  event('response.output_item.done', { output_index: 0, item });
  const events = event('response.completed', { response: env('completed', [item], usageOf(random, tokens)) });
  return { events, content: text, toolArgs: [], logprobTokens: 0 };
}

const TOOLS = ['search_catalog', 'write_report', 'plot_series'];

/** Three parallel function calls, one after another (as the Responses API streams them), `tokens` argument deltas in all. */
export function responsesToolCalls({ tokens }, random, write) {
  const env = envelope(random);
  const event = writer(write);
  event('response.created', { response: env('in_progress', [], null) });
  event('response.in_progress', { response: env('in_progress', [], null) });
  const items = [];
  const toolArgs = [];
  TOOLS.forEach((name, index) => {
    const id = `fc_${random.alnum(48).toLowerCase()}`;
    const call = { id, type: 'function_call', status: 'in_progress', arguments: '', call_id: `call_${random.alnum(24)}`, name };
    event('response.output_item.added', { output_index: index, item: call });
    const pieces = fragments(toolArguments(name, Math.round((tokens / 3) * 4), random), random);
    for (const delta of pieces) event('response.function_call_arguments.delta', { item_id: id, output_index: index, delta, obfuscation: random.alnum(random.int(0, 14)) });
    const args = pieces.join('');
    toolArgs.push(args);
    event('response.function_call_arguments.done', { item_id: id, output_index: index, arguments: args });
    const done = { ...call, status: 'completed', arguments: args };
    items.push(done);
    event('response.output_item.done', { output_index: index, item: done });
  });
  const events = event('response.completed', { response: env('completed', items, usageOf(random, tokens)) });
  return { events, content: null, toolArgs, toolNames: TOOLS, logprobTokens: 0 };
}
