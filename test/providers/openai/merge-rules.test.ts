/**
 * Unit tests of the merge rules (README "Merge rules"), one block a rule, on constructed chunks
 * (the real streams are in merge-rules-recordings.test.ts). Constructed, not recorded: each
 * chunk is written here in the documented wire shape of the server behaviour the rule is for.
 */
import { describe, expect, test } from 'vitest';
import { LimitError, ProviderError } from '../../../src/errors.js';
import { createOpenAiAssembler } from '../../../src/providers/openai/assembler.js';
import type { ChatCompletion } from '../../../src/providers/openai/types.js';
import { assemblePayloads, choice, chunk, deltaChunk, eventsOf, finishChunk } from '../../helpers/openai-chunks.js';

const msg = (c: ChatCompletion, i = 0) => c.choices[i]!.message as Record<string, any>;

function pushError(payloads: unknown[]): ProviderError {
  const assembler = createOpenAiAssembler();
  try {
    for (const p of payloads) assembler.push(p);
  } catch (error) {
    return error as ProviderError;
  }
  throw new Error('no error');
}

describe('rule 1: arrays in a delta accumulate, never replace', () => {
  test('entries without an index are appended; an empty array adds nothing', () => {
    const a = { type: 'url_citation', url_citation: { url: 'https://a' } };
    const b = { type: 'url_citation', url_citation: { url: 'https://b' } };
    const final = assemblePayloads([deltaChunk({ content: 'x', annotations: [a] }), deltaChunk({ annotations: [] }), deltaChunk({ annotations: [b] }), finishChunk()]);
    expect(msg(final).annotations).toEqual([a, b]);
  });

  test('indexed entries merge: labels once, text concatenated, other fields take the later non-null value, index order', () => {
    const final = assemblePayloads([
      deltaChunk({ reasoning_details: [{ type: 'reasoning.text', index: 1, text: 'B', format: 'f' }] }),
      deltaChunk({ reasoning_details: [{ type: 'reasoning.text', index: 0, text: 'A', id: 'r0', status: null }] }),
      deltaChunk({ reasoning_details: [{ type: 'reasoning.text', index: 0, text: 'a', signature: 's1', id: 'other', status: 'done' }] }),
      deltaChunk({ reasoning_details: [{ type: 'reasoning.text', index: 0, signature: 's2', format: 'g' }] }),
      finishChunk(),
    ]);
    expect(msg(final).reasoning_details).toEqual([
      { type: 'reasoning.text', index: 0, text: 'Aa', id: 'r0', status: 'done', signature: 's1s2', format: 'g' },
      { type: 'reasoning.text', index: 1, text: 'B', format: 'f' },
    ]);
  });

  test('an entry resent whole (its text repeats or extends what is held) replaces instead of doubling', () => {
    const final = assemblePayloads([
      deltaChunk({ executed_tools: [{ index: 0, type: 'search', arguments: '{"q":"go"}' }] }),
      deltaChunk({ executed_tools: [{ index: 0, type: 'search', arguments: '{"q":"go"}', output: 'result' }] }),
      finishChunk(),
    ]);
    expect(msg(final).executed_tools).toEqual([{ index: 0, type: 'search', arguments: '{"q":"go"}', output: 'result' }]);
  });

  test('token_ids on the choice and images in the delta accumulate; snapshots do not change afterwards', () => {
    const assembler = createOpenAiAssembler();
    assembler.push(chunk([choice({ content: 'a', images: [{ type: 'image_url', image_url: { url: 'data:1' } }] }, { token_ids: [1, 2] })]));
    const early = assembler.snapshot();
    assembler.push(chunk([choice({ images: [{ type: 'image_url', image_url: { url: 'data:2' } }] }, { token_ids: [3] })]));
    assembler.push(finishChunk());
    const final = assembler.finish(true, false);
    expect(final.choices[0]!.token_ids).toEqual([1, 2, 3]);
    expect(msg(final).images).toHaveLength(2);
    expect(early.choices[0]!.token_ids).toEqual([1, 2]);
    expect((early.choices[0]!.message as any).images).toHaveLength(1);
  });

  test('audio fragments merge: data and transcript concatenated, id set once', () => {
    const final = assemblePayloads([deltaChunk({ audio: { id: 'au_1', transcript: 'Hel', data: 'AA' } }), deltaChunk({ audio: { transcript: 'lo', data: 'BB', expires_at: 9 } }), finishChunk()]);
    expect(msg(final).audio).toEqual({ id: 'au_1', transcript: 'Hello', data: 'AABB', expires_at: 9 });
  });
});

describe('rule 2: content as an array of parts', () => {
  test('string, then parts, then string: adjacent text merges; a thinking part makes content an array', () => {
    const final = assemblePayloads([
      deltaChunk({ content: 'Let me ' }),
      deltaChunk({ content: [{ type: 'thinking', thinking: [{ type: 'text', text: 'hm' }] }] }),
      deltaChunk({ content: [{ type: 'thinking', thinking: [{ type: 'text', text: 'm' }], closed: true }, { type: 'text', text: 'An' }] }),
      deltaChunk({ content: 'swer' }),
      finishChunk(),
    ]);
    expect(msg(final).content).toEqual([
      { type: 'text', text: 'Let me ' },
      { type: 'thinking', thinking: [{ type: 'text', text: 'hmm' }], closed: true },
      { type: 'text', text: 'Answer' },
    ]);
  });

  test('parts that are all text give a string; images and references are never merged', () => {
    expect(msg(assemblePayloads([deltaChunk({ content: [{ type: 'text', text: 'a' }] }), deltaChunk({ content: 'b' }), finishChunk()])).content).toBe('ab');
    const img = (url: string) => ({ type: 'image_url', image_url: { url } });
    const final = assemblePayloads([deltaChunk({ content: [img('1'), img('2'), { type: 'reference', reference_ids: [1] }, { type: 'reference', reference_ids: [2] }] }), finishChunk()]);
    expect(msg(final).content).toHaveLength(4);
  });

  test('reasoning fields beside parts keep their own fields; content events carry the text', () => {
    const { final, events } = eventsOf([deltaChunk({ reasoning_content: 'r', content: [{ type: 'text', text: 'x' }] }), deltaChunk({ content: 'y' }), finishChunk()]);
    expect(msg(final)).toMatchObject({ content: 'xy', reasoning_content: 'r' });
    expect(events.filter((e) => e.type === 'content.delta').map((e: any) => e.content)).toEqual(['x', 'xy']);
    expect(events.find((e) => e.type === 'content.done')).toMatchObject({ content: 'xy' });
  });
});

describe('rule 3: an error object on a chunk that still has choices', () => {
  const usage = { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 };
  const errorChunk = (finish: string | null) => chunk([choice({ content: finish ? '' : 'b' }, { finish_reason: finish })], { error: { code: 502, message: 'upstream failed' }, usage });
  test.each([
    ['before a finish_reason', [deltaChunk({ content: 'a' }), errorChunk(null)]],
    ['with a finish_reason', [deltaChunk({ content: 'a' }), errorChunk('error')]],
    ['after a finish_reason', [deltaChunk({ content: 'a' }), finishChunk(), errorChunk(null)]],
  ])('%s: a ProviderError with the code, the message and the partial response with that chunk’s usage', (_name, payloads) => {
    const error = pushError(payloads);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.providerCode).toBe(502);
    expect(error.providerMessage).toBe('upstream failed');
    expect((error.partial as ChatCompletion).usage).toEqual(usage);
    expect(msg(error.partial as ChatCompletion).content).toMatch(/^ab?$/);
    expect((error.partial as ChatCompletion & Record<string, unknown>).error).toBeUndefined();
  });
});

describe('rule 4: unknown string fields in a delta', () => {
  test('a label every chunk repeats is kept once; a field whose fragments differ is concatenated; known text always is', () => {
    const final = assemblePayloads([
      deltaChunk({ channel: 'analysis', reasoning: 'a', note: 'x' }),
      deltaChunk({ channel: 'analysis', reasoning: 'a', note: 'x' }),
      deltaChunk({ channel: 'analysis', reasoning: 'a', note: 'y' }),
      finishChunk(),
    ]);
    expect(msg(final)).toMatchObject({ channel: 'analysis', reasoning: 'aaa', note: 'xxy' });
  });
});

describe('rule 5: a chunk-level message beside delta', () => {
  test('the delta is the source of truth, in every choice of an n = 2 stream; a chunk with only message uses it', () => {
    const both = (i: number, text: string, soFar: string) => choice({ content: text }, { index: i, message: { role: 'assistant', content: soFar } });
    const final = assemblePayloads([
      chunk([both(0, 'He', 'He'), both(1, 'Hi', 'Hi')]),
      chunk([both(0, 'llo', 'Hello'), both(1, ' there', 'Hi there')]),
      chunk([{ index: 1, message: { content: '!' }, finish_reason: null }]),
      chunk([choice({}, { index: 0, finish_reason: 'stop' }), choice({}, { index: 1, finish_reason: 'stop' })]),
    ]);
    expect(final.choices.map((c) => c.message.content)).toEqual(['Hello', 'Hi there!']);
    expect(final.choices[0]!.message).not.toHaveProperty('message');
  });
});

describe('rule 6: envelope fields are set by real values only', () => {
  test('created 0, id "", model "", system_fingerprint "" never overwrite a value already seen', () => {
    const final = assemblePayloads([deltaChunk({ content: 'a' }), chunk([], { id: '', created: 0, model: '', system_fingerprint: '' }), finishChunk()]);
    expect(final).toMatchObject({ id: 'chatcmpl-test', created: 1700000000, model: 'gpt-test', system_fingerprint: 'fp_test' });
  });
});

describe('rule 7: custom tool calls', () => {
  test('custom.input concatenated, name from the first fragment, no function object; mixed calls keep their order; events say the kind', () => {
    const { final, events } = eventsOf([
      deltaChunk({ tool_calls: [{ index: 0, id: 'call_a', type: 'custom', custom: { name: 'apply_patch', input: '' } }] }),
      deltaChunk({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'read', arguments: '{"p":' } }] }),
      deltaChunk({ tool_calls: [{ index: 0, custom: { input: '*** Begin' } }, { index: 1, function: { arguments: '1}' } }] }),
      deltaChunk({ tool_calls: [{ index: 0, custom: { name: 'other', input: ' Patch' } }] }),
      finishChunk('tool_calls'),
    ]);
    expect(msg(final).tool_calls).toEqual([
      { id: 'call_a', type: 'custom', custom: { name: 'apply_patch', input: '*** Begin Patch' } },
      { id: 'call_b', type: 'function', function: { name: 'read', arguments: '{"p":1}' } },
    ]);
    expect(events.filter((e) => e.type === 'tool_call.start').map((e: any) => [e.index, e.kind])).toEqual([[0, 'custom'], [1, 'function']]);
    const done = events.filter((e) => e.type === 'tool_call.done') as any[];
    expect(done.map((e) => [e.kind, e.parsed, e.error])).toEqual([['custom', '*** Begin Patch', undefined], ['function', { p: 1 }, undefined]]);
  });
});

describe('rule 8: tool-call identity', () => {
  test('an explicit index that differs from the index of the call owning the id starts a new call', () => {
    const final = assemblePayloads([
      deltaChunk({ tool_calls: [{ index: 0, id: 'call_same', function: { name: 'f', arguments: '{}' } }] }),
      deltaChunk({ tool_calls: [{ index: 1, id: 'call_same', function: { name: 'f', arguments: '{}' } }] }),
      finishChunk('tool_calls'),
    ]);
    expect(msg(final).tool_calls.map((c: any) => c.function.arguments)).toEqual(['{}', '{}']);
  });

  test('sparse indexes in any order give the list in index order; index-less fragments keep their rules', () => {
    const final = assemblePayloads([
      deltaChunk({ tool_calls: [{ index: 7, id: 'c7', function: { name: 'g', arguments: '' } }] }),
      deltaChunk({ tool_calls: [{ index: 2, id: 'c2', function: { name: 'f', arguments: '{"a"' } }] }),
      deltaChunk({ tool_calls: [{ id: 'c7', function: { arguments: '{}' } }] }),
      deltaChunk({ tool_calls: [{ function: { arguments: ':1}' } }] }),
      finishChunk('tool_calls'),
    ]);
    expect(msg(final).tool_calls.map((c: any) => [c.id, c.function.arguments])).toEqual([
      ['c2', '{"a":1}'],
      ['c7', '{}'],
    ]);
  });

  test('20,000 calls on descending indexes and 20,000 choices in descending order come out in index order', () => {
    const n = 20_000;
    const calls = Array.from({ length: n }, (_, i) => deltaChunk({ tool_calls: [{ index: n - 1 - i, id: `c${n - 1 - i}`, function: { name: 'f', arguments: '{}' } }] }));
    const final = assemblePayloads([...calls, finishChunk('tool_calls')]);
    const ids = msg(final).tool_calls.map((c: any) => c.id);
    expect(ids[0]).toBe('c0');
    expect(ids[n - 1]).toBe(`c${n - 1}`);
    const choices = Array.from({ length: n }, (_, i) => chunk([choice({ content: 'x' }, { index: n - 1 - i, finish_reason: 'stop' })]));
    const many = assemblePayloads(choices);
    expect(many.choices.map((c) => c.index)).toEqual(Array.from({ length: n }, (_, i) => i));
  });

  test('an absurd index ends in a LimitError naming the field, with the partial response', () => {
    for (const payload of [chunk([choice({ content: 'x' }, { index: 1e15 })]), deltaChunk({ tool_calls: [{ index: 2 ** 40, function: { name: 'f' } }] })]) {
      const assembler = createOpenAiAssembler();
      assembler.push(deltaChunk({ content: 'a' }));
      let error: unknown;
      try {
        assembler.push(payload);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(LimitError);
      expect((error as LimitError).message).toMatch(/^choices\[0\]\.(index|delta\.tool_calls\[0\]\.index) is \d+, above the largest index chunkwise accepts \(1000000\)/);
      expect(msg((error as LimitError).partial as ChatCompletion).content).toBe('a');
    }
  });
});

describe('rule 9: unknown keys are kept everywhere', () => {
  test('inside choices[].logprobs and each logprob entry, __proto__ as an ordinary key', () => {
    const token = JSON.parse('{"token":"a","logprob":-1,"bytes":[97],"top_logprobs":[],"token_id":5,"__proto__":{"x":1}}');
    const logprobs = JSON.parse('{"content":[],"refusal":null,"token_ids":[5],"__proto__":{"y":2}}');
    logprobs.content = [token];
    const final = assemblePayloads([chunk([choice({ content: 'a' }, { logprobs })]), finishChunk()]);
    const lp = final.choices[0]!.logprobs as Record<string, any>;
    expect(Object.keys(lp)).toEqual(['content', 'refusal', 'token_ids', '__proto__']);
    expect(Object.getPrototypeOf(lp)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(lp, '__proto__')!.value).toEqual({ y: 2 });
    expect(lp.content[0].token_id).toBe(5);
    expect(Object.getOwnPropertyDescriptor(lp.content[0], '__proto__')!.value).toEqual({ x: 1 });
  });
});

describe('rule 9, tool calls: unknown keys of a fragment and of its function are kept', () => {
  test('extra_content on the call and a field inside function', () => {
    const final = assemblePayloads([
      deltaChunk({ tool_calls: [{ index: 0, id: 'c', type: 'function', function: { name: 'f', arguments: '{', strict: true }, extra_content: { google: { thought_signature: 'sig' } } }] }),
      deltaChunk({ tool_calls: [{ index: 0, function: { arguments: '}' } }] }),
      finishChunk('tool_calls'),
    ]);
    expect(msg(final).tool_calls[0]).toEqual({ id: 'c', type: 'function', function: { name: 'f', arguments: '{}', strict: true }, extra_content: { google: { thought_signature: 'sig' } } });
  });
});

describe('rule 11: usage, normalised fully', () => {
  test('cached and reasoning tokens from DeepSeek fields and Groq x_groq.usage; the final object keeps the usage exactly', () => {
    const deepseek = { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12, prompt_cache_hit_tokens: 8, prompt_cache_miss_tokens: 1, completion_tokens_details: { reasoning_tokens: 2 } };
    const { final, events } = eventsOf([deltaChunk({ content: 'a' }), chunk([], { usage: deepseek })]);
    expect(final.usage).toEqual(deepseek);
    expect(events.find((e) => e.type === 'usage')).toMatchObject({ normalized: { cached_prompt_tokens: 8, reasoning_tokens: 2, unknown: [] } });
    const groq = eventsOf([chunk([choice({ content: 'a' }, { finish_reason: 'stop' })], { x_groq: { id: 'req', usage: { prompt_tokens: 4, completion_tokens: 1, total_tokens: 5 } } })]);
    expect(groq.events.find((e) => e.type === 'usage')).toMatchObject({ normalized: { prompt_tokens: 4, total_tokens: 5, cached_prompt_tokens: null, unknown: ['cached_prompt_tokens', 'reasoning_tokens'] } });
  });
});

describe('rule 12: "" versus null', () => {
  test('content and refusal that were only "" are null, as the non-streamed API writes them; a tool call without id keeps ""', () => {
    const final = assemblePayloads([deltaChunk({ role: 'assistant', content: '', refusal: '' }), deltaChunk({ tool_calls: [{ index: 0, function: { name: 'f', arguments: '{}' } }] }), finishChunk('tool_calls')]);
    expect(msg(final)).toMatchObject({ content: null, refusal: null });
    expect(msg(final).tool_calls[0].id).toBe('');
  });

  test('a service_tier sent only as "" is kept as sent; "" never replaces a real one', () => {
    const blank = assemblePayloads([chunk([choice({ content: 'a' })], { service_tier: '' }), chunk([choice({}, { finish_reason: 'stop' })], { service_tier: '' })]);
    expect(blank.service_tier).toBe('');
    const real = assemblePayloads([chunk([choice({ content: 'a' })], { service_tier: '' }), chunk([choice({}, { finish_reason: 'stop' })], { service_tier: 'default' }), chunk([], { service_tier: '' })]);
    expect(real.service_tier).toBe('default');
  });

  test('an unknown field’s "" never replaces a value already known', () => {
    const final = assemblePayloads([chunk([choice({ content: 'a' }, { native_finish_reason: 'stop' })], { provider: 'X' }), chunk([choice({}, { finish_reason: 'stop', native_finish_reason: '' })], { provider: '' })]);
    expect((final as typeof final & Record<string, unknown>).provider).toBe('X');
    expect(final.choices[0]!.native_finish_reason).toBe('stop');
  });
});
