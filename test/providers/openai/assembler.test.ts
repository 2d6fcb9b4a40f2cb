import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { createOpenAiAssembler } from '../../../src/providers/openai/assembler.js';
import type { ChatCompletion } from '../../../src/providers/openai/types.js';
import { assemblePayloads, choice, chunk, deltaChunk, finishChunk } from '../../helpers/openai-chunks.js';
import { REFERENCE_STREAMS, assembleSse, readRecording, sseText } from '../../helpers/sse-payloads.js';

function reference(name: string): ChatCompletion {
  const { final, error } = assembleSse(readRecording(`${name}.sse`), createOpenAiAssembler());
  if (error) throw error;
  return final!;
}

function expectedChoices(name: string): unknown {
  return JSON.parse(readFileSync(`${REFERENCE_STREAMS}/${name}.expected.json`, 'utf8'));
}

describe('top-level fields', () => {
  test('a text stream with include_usage becomes the chat.completion openai-python asserts', () => {
    const final = reference('openai-chat-text-usage');
    expect(final).toMatchObject(expectedChoices('openai-chat-text-usage') as object);
    expect(final).toMatchObject({
      id: 'chatcmpl-9tXjg9DdaOfymTPDrSLfxslQEH0C2',
      object: 'chat.completion',
      created: 1723024748,
      model: 'gpt-4o-2024-08-06',
      system_fingerprint: 'fp_845eaabc1f',
      usage: { prompt_tokens: 14, completion_tokens: 47, total_tokens: 61 },
    });
  });

  test('system_fingerprint is null when the server never sent it', () => {
    const { system_fingerprint: _, ...noFingerprint } = finishChunk() as Record<string, unknown>;
    expect(assemblePayloads([noFingerprint]).system_fingerprint).toBeNull();
  });

  test('service_tier is kept when sent and absent otherwise', () => {
    expect(reference('openai-chat-gpt-4.1-parallel-tool-calls-obfuscation').service_tier).toBe('default');
    expect('service_tier' in reference('openai-chat-text-usage')).toBe(false);
  });

  test('usage comes from the include_usage chunk with its token details as sent', () => {
    expect(reference('openai-chat-gpt-4.1-parallel-tool-calls-obfuscation').usage).toEqual({
      prompt_tokens: 121,
      completion_tokens: 50,
      total_tokens: 171,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    });
  });

  test('usage: null on every chunk is ignored and no usage key appears when no usage came', () => {
    const final = assemblePayloads([chunk([choice({ role: 'assistant', content: 'Hi' })], { usage: null }), chunk([choice({}, { finish_reason: 'stop' })], { usage: null })]);
    expect('usage' in final).toBe(false);
  });

  test('usage riding on a chunk that still carries a choice is kept (OpenRouter), and the later null finish_reason does not erase the earlier one', () => {
    const final = reference('openrouter-gpt-4o-mini-tool-call-role-repeated');
    expect(final.usage).toMatchObject({ prompt_tokens: 82, completion_tokens: 17, total_tokens: 99, cost: 0.0000225 });
    expect(final.choices[0]!.finish_reason).toBe('tool_calls');
    expect(final.choices[0]!.native_finish_reason).toBe('tool_calls');
    expect((final as { provider?: unknown }).provider).toBe('OpenAI');
  });

  test("Groq's x_groq.usage fills usage when no top-level usage came, and x_groq is merged over the chunks", () => {
    const groqUsage = { queue_time: 0.01, prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 };
    const final = assemblePayloads([
      chunk([choice({ role: 'assistant', content: 'Hi' })], { x_groq: { id: 'req_1', seed: 42 } }),
      chunk([choice({}, { finish_reason: 'stop' })], { x_groq: { id: 'req_1', usage: groqUsage } }),
    ]);
    expect(final.usage).toEqual(groqUsage);
    expect(final.x_groq).toEqual({ id: 'req_1', seed: 42, usage: groqUsage });
  });

  test('a top-level usage wins over x_groq.usage', () => {
    const final = reference('groq-tool-call-whole-in-one-chunk-x-groq');
    expect(final.usage).toMatchObject({ prompt_tokens: 210, completion_tokens: 15, total_tokens: 225 });
    expect(final.x_groq).toMatchObject({ id: 'req_01kh52nj5yfcat8hrmvrk2j2hj', seed: 689520654 });
    const topUsage = { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 };
    const later = assemblePayloads([
      chunk([choice({ content: 'x' }, { finish_reason: 'stop' })], { x_groq: { id: 'r', usage: { prompt_tokens: 9, completion_tokens: 9, total_tokens: 18 } } }),
      chunk([], { usage: topUsage }),
    ]);
    expect(later.usage).toEqual(topUsage);
  });

  test('unknown top-level fields keep their last non-null value', () => {
    const final = assemblePayloads([chunk([choice({ content: 'a' })], { provider: 'A', meta: { n: 1 } }), chunk([choice({}, { finish_reason: 'stop' })], { provider: 'B', meta: null })]);
    expect((final as { provider?: unknown }).provider).toBe('B');
    expect((final as { meta?: unknown }).meta).toEqual({ n: 1 });
  });

  test('a field named __proto__ stays a plain field wherever it comes, as JSON.parse makes it', () => {
    // JSON.parse makes `__proto__` an own field; assigning it would set the object's prototype.
    const payloads = [
      '{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","__proto__":{"top":1},"choices":[{"index":0,"delta":{"role":"assistant","__proto__":"a","audio":{"__proto__":{"inner":1},"data":"x"}},"__proto__":{"choice":1},"finish_reason":null}]}',
      '{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"__proto__":"b","tool_calls":[{"index":0,"id":"t","type":"function","function":{"name":"f","arguments":"{}"},"__proto__":{"call":1}}]},"finish_reason":"tool_calls"}]}',
    ].map((text) => JSON.parse(text) as unknown);
    const final = assemblePayloads(payloads) as unknown as Record<string, unknown>;
    const choice0 = (final.choices as Record<string, unknown>[])[0]!;
    const message = choice0.message as Record<string, unknown>;
    const call = (message.tool_calls as Record<string, unknown>[])[0]!;
    const audio = message.audio as Record<string, unknown>;
    for (const [object, value] of [[final, { top: 1 }], [choice0, { choice: 1 }], [message, 'ab'], [call, { call: 1 }], [audio, { inner: 1 }]] as const) {
      expect(Object.getPrototypeOf(object)).toBe(Object.prototype);
      expect(Object.keys(object)).toContain('__proto__');
      expect(Object.getOwnPropertyDescriptor(object, '__proto__')!.value).toEqual(value);
    }
    expect(JSON.parse(JSON.stringify(final)).choices[0].message.__proto__).toBe('ab');
  });

  test('obfuscation, delta and the chunk object are not in the final object', () => {
    const text = JSON.stringify(reference('openai-chat-gpt-4.1-parallel-tool-calls-obfuscation'));
    expect(text).not.toContain('obfuscation');
    expect(text).not.toContain('"delta"');
    expect(text).not.toContain('chat.completion.chunk');
    const withDeltaPadding = assemblePayloads([deltaChunk({ content: 'a', obfuscation: 'xyz' }), finishChunk()]);
    expect(JSON.stringify(withDeltaPadding)).not.toContain('obfuscation');
  });

  test('keys come in the order of the stream: false object', () => {
    const final = reference('openrouter-gpt-4o-mini-tool-call-role-repeated');
    expect(Object.keys(final)).toEqual(['id', 'object', 'created', 'model', 'choices', 'usage', 'system_fingerprint', 'provider']);
    expect(Object.keys(final.choices[0]!)).toEqual(['index', 'message', 'logprobs', 'finish_reason', 'native_finish_reason']);
    expect(Object.keys(reference('deepseek-v4-flash-reasoning-then-tool-call').choices[0]!.message)).toEqual(['role', 'content', 'refusal', 'tool_calls', 'reasoning_content']);
  });
});

describe('choices', () => {
  test('choices are assembled by index for n > 1 in any interleaving and come out sorted', () => {
    const final = assemblePayloads([
      chunk([choice({ role: 'assistant', content: 'C' }, { index: 2 })]),
      chunk([choice({ role: 'assistant', content: 'A' }, { index: 0 }), choice({ content: 'B' }, { index: 1 })]),
      chunk([choice({ content: '1' }, { index: 1 }), choice({ content: '3' }, { index: 2 })]),
      chunk([choice({ content: '0' }, { index: 0, finish_reason: 'stop' })]),
      chunk([choice({}, { index: 2, finish_reason: 'length' }), choice({}, { index: 1, finish_reason: 'stop' })]),
    ]);
    expect(final.choices.map((c) => [c.index, c.message.content, c.finish_reason])).toEqual([
      [0, 'A0', 'stop'],
      [1, 'B1', 'stop'],
      [2, 'C3', 'length'],
    ]);
  });

  test('a chunk for a choice index never seen before simply starts that choice', () => {
    const final = assemblePayloads([deltaChunk({ role: 'assistant', content: 'x' }), chunk([choice({ content: 'late' }, { index: 5, finish_reason: 'stop' })]), finishChunk()]);
    expect(final.choices.map((c) => c.index)).toEqual([0, 5]);
    expect(final.choices[1]!.message).toEqual({ role: 'assistant', content: 'late', refusal: null });
  });

  test('a choice without index takes its position in choices', () => {
    const final = assemblePayloads([chunk([{ delta: { content: 'a' } }, { delta: { content: 'b' }, finish_reason: 'stop' }]), chunk([{ delta: {}, finish_reason: 'stop' }])]);
    expect(final.choices.map((c) => c.message.content)).toEqual(['a', 'b']);
  });

  test('role is the first non-empty role; an empty role is ignored and the default is assistant', () => {
    expect(assemblePayloads([deltaChunk({ role: '', content: 'x' }), finishChunk()]).choices[0]!.message.role).toBe('assistant');
    expect(assemblePayloads([deltaChunk({ role: '' }), deltaChunk({ role: 'tool' }), deltaChunk({ role: 'assistant' }), finishChunk()]).choices[0]!.message.role).toBe('tool');
  });

  test('content is concatenated, and null when only empty or null content arrived', () => {
    expect(assemblePayloads([deltaChunk({ role: 'assistant', content: '' }), deltaChunk({ content: 'Hel' }), deltaChunk({ content: null }), deltaChunk({ content: 'lo' }), finishChunk()]).choices[0]!.message.content).toBe('Hello');
    expect(assemblePayloads([deltaChunk({ role: 'assistant', content: '' }), deltaChunk({ content: null }), finishChunk()]).choices[0]!.message.content).toBeNull();
  });

  test('refusal is concatenated, and content stays null (openai-python snapshot)', () => {
    expect(reference('openai-chat-refusal')).toMatchObject(expectedChoices('openai-chat-refusal') as object);
    expect(reference('openai-chat-text-usage').choices[0]!.message.refusal).toBeNull();
  });

  test('finish_reason is null when [DONE] came without one', () => {
    const final = assembleSse(sseText([deltaChunk({ role: 'assistant', content: 'Hi' })]), createOpenAiAssembler()).final!;
    expect(final.choices[0]!.finish_reason).toBeNull();
    expect(final.choices[0]!.message.content).toBe('Hi');
  });

  test('choice-level unknown fields keep their last non-null value', () => {
    const final = assemblePayloads([
      deltaChunk({ content: 'a' }, { stop_reason: null, content_filter_results: { hate: { filtered: false } } }),
      deltaChunk({}, { finish_reason: 'stop', stop_reason: 128009, content_filter_results: null }),
    ]);
    expect(final.choices[0]).toMatchObject({ stop_reason: 128009, content_filter_results: { hate: { filtered: false } } });
  });

  test('delta: null and a missing delta count as empty deltas', () => {
    const final = assemblePayloads([deltaChunk({ content: 'a' }), chunk([{ index: 0, delta: null, finish_reason: null }]), chunk([{ index: 0, finish_reason: 'stop' }])]);
    expect(final.choices[0]).toMatchObject({ message: { content: 'a' }, finish_reason: 'stop' });
  });

  test('choices: null and a missing choices count as no choices', () => {
    const final = assemblePayloads([deltaChunk({ content: 'a' }, { finish_reason: 'stop' }), chunk([], { choices: null, usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } })]);
    expect(final.usage?.total_tokens).toBe(2);
    expect(final.choices).toHaveLength(1);
  });
});

describe('reasoning and other unknown delta fields', () => {
  test('DeepSeek reasoning_content is the concatenation of every fragment, not the last one', () => {
    const message = reference('deepseek-v4-flash-reasoning-then-tool-call').choices[0]!.message;
    expect(message.reasoning_content).toBe('The user asks about the weather in San Francisco. I should use the weather tool.');
    expect(message.content).toBeNull();
  });

  test("Groq's reasoning is concatenated under its own field name", () => {
    const final = assemblePayloads([deltaChunk({ role: 'assistant', reasoning: 'Think' }), deltaChunk({ reasoning: 'ing.' }), deltaChunk({ content: 'Done' }), finishChunk()]);
    expect(final.choices[0]!.message).toEqual({ role: 'assistant', content: 'Done', refusal: null, reasoning: 'Thinking.' });
  });

  test('unknown string fields concatenate, unknown non-string fields keep the last non-null value, null changes nothing', () => {
    const final = assemblePayloads([
      deltaChunk({ note: 'a', meta: { step: 1 }, flag: true }),
      deltaChunk({ note: 'b', meta: { step: 2 }, flag: null }),
      deltaChunk({ note: null, meta: null }),
      finishChunk(),
    ]);
    expect(final.choices[0]!.message).toMatchObject({ note: 'ab', meta: { step: 2 }, flag: true });
  });

  test('an unknown field that only ever was null is not on the message', () => {
    const final = assemblePayloads([deltaChunk({ content: 'a', reasoning: null }), finishChunk()]);
    expect('reasoning' in final.choices[0]!.message).toBe(false);
  });

  test('audio output merges: data and transcript concatenate, other fields keep the last value', () => {
    const final = assemblePayloads([
      deltaChunk({ role: 'assistant', audio: { id: 'audio_1', transcript: 'Hel', data: 'AAA' } }),
      deltaChunk({ audio: { transcript: 'lo', data: 'BBB' } }),
      deltaChunk({ audio: { expires_at: 99 } }),
      finishChunk(),
    ]);
    expect(final.choices[0]!.message.audio).toEqual({ id: 'audio_1', transcript: 'Hello', data: 'AAABBB', expires_at: 99 });
  });
});

describe('logprobs', () => {
  const token = (t: string, lp = -0.5) => ({ token: t, logprob: lp, bytes: [...Buffer.from(t)], top_logprobs: [{ token: t, logprob: lp, bytes: [...Buffer.from(t)] }] });

  test("the first chunk's logprobs are counted once", () => {
    const final = assemblePayloads([
      deltaChunk({ role: 'assistant', content: 'Hi' }, { logprobs: { content: [token('Hi')], refusal: null } }),
      deltaChunk({ content: '!' }, { logprobs: { content: [token('!')], refusal: null } }),
      finishChunk(),
    ]);
    expect(final.choices[0]!.logprobs).toEqual({ content: [token('Hi'), token('!')], refusal: null });
  });

  test('tokens are appended in order and a later logprobs: null overwrites nothing', () => {
    const final = reference('openai-chat-structured-logprobs');
    const lists = final.choices[0]!.logprobs!;
    expect(lists.refusal).toBeNull();
    expect(lists.content!.map((t) => t.token).join('')).toBe(final.choices[0]!.message.content);
    expect(lists.content![3]).toEqual({ token: 'San', logprob: -0.016705167, bytes: [83, 97, 110], top_logprobs: [] });
  });

  test('refusal tokens go to logprobs.refusal and logprobs.content stays null', () => {
    const final = reference('openai-chat-refusal-logprobs');
    expect(final.choices[0]!.logprobs!.content).toBeNull();
    expect(final.choices[0]!.logprobs!.refusal!.map((t) => t.token).join('')).toBe(final.choices[0]!.message.refusal);
  });

  test('logprobs is null when no chunk carried logprobs', () => {
    expect(reference('openai-chat-tool-call-single').choices[0]!.logprobs).toBeNull();
  });

  test('the chunk arrays are not kept: changing them later changes nothing', () => {
    const first = { content: [token('a')], refusal: null };
    const assembler = createOpenAiAssembler();
    assembler.push(deltaChunk({ content: 'a' }, { logprobs: first }));
    first.content.push(token('zzz'));
    assembler.push(finishChunk());
    expect(assembler.finish(true, false).choices[0]!.logprobs!.content).toEqual([token('a')]);
  });
});
