import { describe, expect, test } from 'vitest';
import { createOpenAiAssembler } from '../../../src/providers/openai/assembler.js';
import { choice, chunk, deltaChunk } from '../../helpers/openai-chunks.js';
import { readRecording, ssePayloads } from '../../helpers/sse-payloads.js';

const token = (t: string) => ({ token: t, logprob: -0.1, bytes: [...Buffer.from(t)], top_logprobs: [] });

describe('snapshots', () => {
  test('each snapshot is a fresh object that later chunks never change', () => {
    const assembler = createOpenAiAssembler();
    const { payloads } = ssePayloads(readRecording('deepseek-v4-flash-reasoning-then-tool-call.sse'));
    const taken: Array<{ snapshot: unknown; json: string }> = [];
    for (const p of payloads) {
      assembler.push(p);
      const snapshot = assembler.snapshot();
      taken.push({ snapshot, json: JSON.stringify(snapshot) });
    }
    for (const { snapshot, json } of taken) expect(JSON.stringify(snapshot)).toBe(json);
    expect(taken[0]!.snapshot).not.toBe(taken[1]!.snapshot);
    expect(new Set(taken.map((t) => (t.snapshot as { choices: unknown[] }).choices[0])).size).toBe(taken.length);
  });

  test('logprob lists are shared and cut lazily: an old snapshot keeps its own prefix', () => {
    const assembler = createOpenAiAssembler();
    assembler.push(deltaChunk({ content: 'a' }, { logprobs: { content: [token('a')], refusal: null } }));
    const early = assembler.snapshot();
    expect(Object.getOwnPropertyDescriptor(early.choices[0]!.logprobs!, 'content')!.get).toBeTypeOf('function');
    assembler.push(deltaChunk({ content: 'b' }, { logprobs: { content: [token('b')], refusal: null } }));
    const late = assembler.snapshot();
    expect(early.choices[0]!.logprobs!.content!.map((t) => t.token)).toEqual(['a']);
    expect(late.choices[0]!.logprobs!.content!.map((t) => t.token)).toEqual(['a', 'b']);
    expect(JSON.parse(JSON.stringify(early)).choices[0].logprobs).toEqual({ content: [token('a')], refusal: null });
  });

  test('a snapshot has the final shape', () => {
    const assembler = createOpenAiAssembler();
    for (const p of ssePayloads(readRecording('openai-chat-gpt-4.1-parallel-tool-calls-obfuscation.sse')).payloads) assembler.push(p);
    const snapshot = assembler.snapshot();
    expect(snapshot).toEqual(assembler.finish(true, false));
  });

  test('a snapshot mid-way holds the tool calls, choices and usage so far', () => {
    const assembler = createOpenAiAssembler();
    assembler.push(chunk([choice({ tool_calls: [{ index: 0, id: 'a', function: { name: 'f', arguments: '{"x"' } }] }), choice({ content: 'hi' }, { index: 1 })]));
    expect(assembler.snapshot()).toEqual({
      id: 'chatcmpl-test',
      object: 'chat.completion',
      created: 1700000000,
      model: 'gpt-test',
      choices: [
        { index: 0, message: { role: 'assistant', content: null, refusal: null, tool_calls: [{ id: 'a', type: 'function', function: { name: 'f', arguments: '{"x"' } }] }, logprobs: null, finish_reason: null },
        { index: 1, message: { role: 'assistant', content: 'hi', refusal: null }, logprobs: null, finish_reason: null },
      ],
      system_fingerprint: 'fp_test',
    });
  });

  test('a snapshot before any chunk is an empty chat.completion', () => {
    expect(createOpenAiAssembler().snapshot()).toEqual({ id: '', object: 'chat.completion', created: 0, model: '', choices: [], system_fingerprint: null });
  });

  test('the final object of a lenient, cut stream equals the last snapshot', () => {
    const assembler = createOpenAiAssembler();
    assembler.push(deltaChunk({ role: 'assistant', content: 'cut' }));
    const snapshot = assembler.snapshot();
    expect(assembler.finish(false, true)).toEqual(snapshot);
  });
});
