import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { TruncatedStreamError } from '../../../src/errors.js';
import { createOpenAiAssembler } from '../../../src/providers/openai/assembler.js';
import { choice, chunk, deltaChunk, finishChunk } from '../../helpers/openai-chunks.js';
import { assembleSse, readRecording, sseText } from '../../helpers/sse-payloads.js';

function assemblerWith(payloads: unknown[]) {
  const assembler = createOpenAiAssembler();
  for (const p of payloads) assembler.push(p);
  return assembler;
}

describe('the end of the stream', () => {
  test('without [DONE] and without a finish_reason the stream is truncated, with the partial object', () => {
    const assembler = assemblerWith([deltaChunk({ role: 'assistant', content: 'The word' }), deltaChunk({ content: ' naïve' })]);
    let error: unknown;
    try {
      assembler.finish(false, false);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TruncatedStreamError);
    expect((error as TruncatedStreamError).code).toBe('truncated');
    expect((error as Error).message).toBe('The stream ended without [DONE] and choice 0 has no finish_reason (2 chunks arrived)');
    expect((error as TruncatedStreamError).partial).toEqual({
      id: 'chatcmpl-test',
      object: 'chat.completion',
      created: 1700000000,
      model: 'gpt-test',
      choices: [{ index: 0, message: { role: 'assistant', content: 'The word naïve', refusal: null }, logprobs: null, finish_reason: null }],
      system_fingerprint: 'fp_test',
    });
  });

  test('lenient returns the partial object as the final one', () => {
    const final = assemblerWith([deltaChunk({ role: 'assistant', content: 'cut' })]).finish(false, true);
    expect(final.choices[0]).toMatchObject({ message: { content: 'cut' }, finish_reason: null });
  });

  test('the message names every unfinished choice', () => {
    const assembler = assemblerWith([chunk([choice({ content: 'a' }), choice({ content: 'b' }, { index: 1 }), choice({ content: 'c' }, { index: 2 })]), finishChunk('stop', 1)]);
    expect(() => assembler.finish(false, false)).toThrow('The stream ended without [DONE] and choices 0, 2 have no finish_reason (2 chunks arrived)');
  });

  test('without [DONE] but with every choice finished, the stream is complete', () => {
    const assembler = assemblerWith([deltaChunk({ content: 'a' }), finishChunk()]);
    expect(assembler.complete).toBe(true);
    expect(assembler.finish(false, false).choices[0]!.finish_reason).toBe('stop');
  });

  test('with [DONE] but no finish_reason, the stream assembles with finish_reason null', () => {
    const { final, error } = assembleSse(sseText([deltaChunk({ role: 'assistant', content: 'Hi' })]), createOpenAiAssembler());
    expect(error).toBeUndefined();
    expect(final!.choices[0]!.finish_reason).toBeNull();
  });

  test('the recorded [DONE]-without-finish_reason stream is a success', () => {
    const { final } = assembleSse(readRecording(`${process.cwd()}/recordings/openai-tool-call-no-finish.sse`), createOpenAiAssembler());
    expect(final).toEqual(JSON.parse(readFileSync('recordings/openai-tool-call-no-finish.expected.json', 'utf8')));
  });

  test('a stream without any chunk is truncated, with or without [DONE]', () => {
    expect(() => createOpenAiAssembler().finish(false, false)).toThrow('The stream ended before any chunk arrived');
    expect(() => createOpenAiAssembler().finish(true, false)).toThrow('The stream sent [DONE] before any chunk');
    expect(createOpenAiAssembler().finish(false, true)).toMatchObject({ object: 'chat.completion', choices: [] });
  });

  test('a stream of only a usage chunk without [DONE] is truncated', () => {
    expect(() => assemblerWith([chunk([], { usage: { prompt_tokens: 1, completion_tokens: 0, total_tokens: 1 } })]).finish(false, false)).toThrow(
      'The stream ended without [DONE] before any choice started (1 chunk arrived)',
    );
  });

  test('complete turns true only once every started choice has its finish_reason', () => {
    const assembler = createOpenAiAssembler();
    expect(assembler.complete).toBe(false);
    assembler.push(chunk([choice({ content: 'a' }), choice({ content: 'b' }, { index: 1 })]));
    assembler.push(finishChunk('stop', 0));
    expect(assembler.complete).toBe(false);
    assembler.push(finishChunk('length', 1));
    expect(assembler.complete).toBe(true);
    assembler.push(chunk([], { usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } }));
    expect(assembler.complete).toBe(true);
  });

  test('the recorded truncated stream fails with its expected partial', () => {
    const { error } = assembleSse(readRecording(`${process.cwd()}/recordings/openai-truncated.sse`), createOpenAiAssembler());
    const expected = JSON.parse(readFileSync('recordings/openai-truncated.expected.json', 'utf8'));
    expect(error?.code).toBe(expected.error.code);
    expect(JSON.stringify(error!.partial)).toBe(JSON.stringify(expected.partial));
  });
});
