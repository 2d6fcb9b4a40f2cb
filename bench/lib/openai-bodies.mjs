// OpenAI Chat Completions SSE bodies in the shape the API sends with stream: true and
// stream_options.include_usage: every chunk carries the full envelope (id, object, created,
// model, service_tier, system_fingerprint, usage: null, obfuscation padding), the first
// chunk the role, then one chunk per token, a finish chunk, a `choices: []` usage chunk and
// `data: [DONE]`.
import { logprob, phrase, textToken, utf8Bytes } from './text.mjs';

function envelope(random, model) {
  return {
    id: `chatcmpl-${random.alnum(29)}`,
    created: 1769111919 + random.int(0, 1e6),
    model,
    fingerprint: `fp_${random.alnum(10).toLowerCase()}`,
  };
}

/** One `data:` line; key order as the API prints it. */
function chunkLine(env, random, choices, usage = null) {
  const chunk = {
    id: env.id,
    object: 'chat.completion.chunk',
    created: env.created,
    model: env.model,
    service_tier: 'default',
    system_fingerprint: env.fingerprint,
    usage,
    choices,
    obfuscation: random.alnum(random.int(0, 14)),
  };
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

const choice = (delta, logprobs = null, finish = null) => ({ index: 0, delta, logprobs, finish_reason: finish });

function usageLine(env, random, completionTokens) {
  const prompt = random.int(20, 400);
  const usage = {
    prompt_tokens: prompt,
    completion_tokens: completionTokens,
    total_tokens: prompt + completionTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
  return chunkLine(env, random, [], usage);
}

function tokenLogprob(token, random) {
  const top = [{ token, logprob: 0, bytes: utf8Bytes(token) }];
  while (top.length < 5) {
    const alt = textToken(random);
    top.push({ token: alt, logprob: 0, bytes: utf8Bytes(alt) });
  }
  // The chosen token is usually the most likely one; the alternatives are less likely.
  const lps = top.map(() => logprob(random)).sort((a, b) => b - a);
  top.forEach((t, i) => (t.logprob = lps[i]));
  return { token, logprob: top[0].logprob, bytes: top[0].bytes, top_logprobs: top };
}

/**
 * Plain text (`withLogprobs` false) or text with `logprobs.content` per token and 5
 * top_logprobs each. Writes the body through `write`; returns what it must assemble to.
 */
export function openAiText({ tokens, withLogprobs }, random, write) {
  const env = envelope(random, 'gpt-4o-2024-08-06');
  write(chunkLine(env, random, [choice({ role: 'assistant', content: '', refusal: null }, withLogprobs ? { content: [], refusal: null } : null)]));
  const parts = [];
  for (let i = 0; i < tokens; i++) {
    const token = textToken(random);
    parts.push(token);
    const logprobs = withLogprobs ? { content: [tokenLogprob(token, random)], refusal: null } : null;
    write(chunkLine(env, random, [choice({ content: token }, logprobs)]));
  }
  write(chunkLine(env, random, [choice({}, null, 'stop')]));
  write(usageLine(env, random, tokens));
  write('data: [DONE]\n\n');
  return { events: tokens + 3, content: parts.join(''), toolArgs: [], logprobTokens: withLogprobs ? tokens : 0 };
}

const TOOLS = ['search_catalog', 'write_report', 'plot_series'];

/** Argument JSON of about `chars` characters, one shape per tool. */
export function toolArguments(name, chars, random) {
  const items = [];
  const value = name === 'search_catalog' ? { query: phrase(random, 3, 8), results: items }
    : name === 'write_report' ? { title: phrase(random, 4, 10), sections: items }
    : { title: phrase(random, 2, 5), series: items };
  let length = 60;
  while (length < chars) {
    let item;
    if (name === 'search_catalog') {
      item = { id: random.int(1, 1e6), title: phrase(random, 2, 6), description: phrase(random, 8, 30), price: random.int(100, 99999) / 100, tags: [phrase(random, 1, 2), phrase(random, 1, 2)], in_stock: random.chance(0.7), rating: random.int(10, 50) / 10 };
    } else if (name === 'write_report') {
      item = { heading: phrase(random, 2, 6), body: `${phrase(random, 20, 60)}\n\n"${phrase(random, 3, 9)}" \\ ${phrase(random, 10, 30)}` };
    } else {
      const points = [];
      for (let i = random.int(5, 20); i > 0; i--) points.push([random.int(0, 10000), Number((random.next() * 200 - 100).toFixed(4))]);
      item = { name: phrase(random, 1, 3), unit: random.pick(['ms', 'MB', '°C', '€']), points };
    }
    items.push(item);
    length += JSON.stringify(item).length + 1;
  }
  return JSON.stringify(value);
}

/** Cuts text into 1–7 character fragments (mean 4, about one token), never inside a surrogate pair. */
export function fragments(text, random) {
  const out = [];
  let at = 0;
  while (at < text.length) {
    let end = Math.min(text.length, at + random.int(1, 7));
    const last = text.charCodeAt(end - 1);
    if (last >= 0xd800 && last <= 0xdbff && end < text.length) end++;
    out.push(text.slice(at, end));
    at = end;
  }
  return out;
}

/** Three parallel tool calls whose argument fragments arrive interleaved, `tokens` fragments in all. */
export function openAiToolCalls({ tokens }, random, write) {
  const env = envelope(random, 'gpt-4.1-2025-04-14');
  write(chunkLine(env, random, [choice({ role: 'assistant', content: null, refusal: null })]));
  const queues = TOOLS.map((name) => fragments(toolArguments(name, Math.round((tokens / 3) * 4), random), random));
  const toolArgs = queues.map((q) => q.join(''));
  TOOLS.forEach((name, index) => {
    const call = { index, id: `call_${random.alnum(24)}`, type: 'function', function: { name, arguments: '' } };
    write(chunkLine(env, random, [choice({ tool_calls: [call] })]));
  });
  const at = [0, 0, 0];
  let events = 4;
  for (;;) {
    const open = [0, 1, 2].filter((i) => at[i] < queues[i].length);
    if (open.length === 0) break;
    const index = random.pick(open);
    const run = random.int(1, 4); // a call keeps the floor for a few fragments, then another cuts in
    for (let k = 0; k < run && at[index] < queues[index].length; k++) {
      const delta = { tool_calls: [{ index, function: { arguments: queues[index][at[index]++] } }] };
      write(chunkLine(env, random, [choice(delta)]));
      events++;
    }
  }
  write(chunkLine(env, random, [choice({}, null, 'tool_calls')]));
  write(usageLine(env, random, events - 4));
  write('data: [DONE]\n\n');
  return { events: events + 2, content: null, toolArgs, toolNames: TOOLS, logprobTokens: 0 };
}
