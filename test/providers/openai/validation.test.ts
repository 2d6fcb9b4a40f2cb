import { describe, expect, test } from 'vitest';
import { ParseError, ProviderError } from '../../../src/errors.js';
import { createOpenAiAssembler } from '../../../src/providers/openai/assembler.js';
import type { ChatCompletion } from '../../../src/providers/openai/types.js';
import { choice, chunk, deltaChunk } from '../../helpers/openai-chunks.js';
import { assembleSse } from '../../helpers/sse-payloads.js';

/** The error the assembler throws for `payload` pushed as event 7 after one good chunk. */
function errorFor(payload: unknown): ParseError | ProviderError {
  const assembler = createOpenAiAssembler();
  assembler.push(deltaChunk({ role: 'assistant', content: 'Hi' }), { event: 6 });
  try {
    assembler.push(payload, { event: 7 });
  } catch (error) {
    return error as ParseError;
  }
  throw new Error('no error thrown');
}

describe('payloads that are not chunks end in a ParseError naming the JSON path', () => {
  test.each([
    ['null', null, 'The chunk must be a JSON object, got null (at event 7)'],
    ['an array', [1], 'The chunk must be a JSON object, got an array (at event 7)'],
    ['a string', 'hello', 'The chunk must be a JSON object, got a string ("hello") (at event 7)'],
    ['choices: "x"', chunk([], { choices: 'x' }), 'choices must be an array, got a string ("x") (at event 7)'],
    ['a choice that is null', chunk([null]), 'choices[0] must be an object, got null (at event 7)'],
    ['delta: 3', chunk([choice(3)]), 'choices[0].delta must be an object, got a number (3) (at event 7)'],
    ['delta: "x"', chunk([choice({}), choice('x', { index: 1 })]), 'choices[1].delta must be an object, got a string ("x") (at event 7)'],
    ['content: {}', deltaChunk({ content: {} }), 'choices[0].delta.content must be a string or an array of parts, got an object (at event 7)'],
    ['role: 1', deltaChunk({ role: 1 }), 'choices[0].delta.role must be a string, got a number (1) (at event 7)'],
    ['index: "0"', chunk([choice({}, { index: '0' })]), 'choices[0].index must be a non-negative integer, got a string ("0") (at event 7)'],
    ['index: -1', chunk([choice({}, { index: -1 })]), 'choices[0].index must be a non-negative integer, got a number (-1) (at event 7)'],
    ['finish_reason: 1', chunk([choice({}, { finish_reason: 1 })]), 'choices[0].finish_reason must be a string, got a number (1) (at event 7)'],
    ['tool_calls: {}', deltaChunk({ tool_calls: {} }), 'choices[0].delta.tool_calls must be an array, got an object (at event 7)'],
    ['a tool call that is a string', deltaChunk({ tool_calls: ['x'] }), 'choices[0].delta.tool_calls[0] must be an object, got a string ("x") (at event 7)'],
    ['tool call index 1.5', deltaChunk({ tool_calls: [{ index: 1.5 }] }), 'choices[0].delta.tool_calls[0].index must be a non-negative integer, got a number (1.5) (at event 7)'],
    ['tool call function: "f"', deltaChunk({ tool_calls: [{ index: 0, function: 'f' }] }), 'choices[0].delta.tool_calls[0].function must be an object, got a string ("f") (at event 7)'],
    ['tool call name: 3', deltaChunk({ tool_calls: [{ index: 0, function: { name: 3 } }] }), 'choices[0].delta.tool_calls[0].function.name must be a string, got a number (3) (at event 7)'],
    ['function_call: []', deltaChunk({ function_call: [] }), 'choices[0].delta.function_call must be an object, got an array (at event 7)'],
    ['logprobs: "x"', deltaChunk({}, { logprobs: 'x' }), 'choices[0].logprobs must be an object, got a string ("x") (at event 7)'],
    ['logprobs.content: {}', deltaChunk({}, { logprobs: { content: {} } }), 'choices[0].logprobs.content must be an array, got an object (at event 7)'],
    ['a logprob token that is a number', deltaChunk({}, { logprobs: { refusal: [1] } }), 'choices[0].logprobs.refusal[0] must be an object, got a number (1) (at event 7)'],
    ['usage: 5', chunk([], { usage: 5 }), 'usage must be an object, got a number (5) (at event 7)'],
  ])('%s', (_name, payload, message) => {
    const error = errorFor(payload);
    expect(error).toBeInstanceOf(ParseError);
    expect(error.code).toBe('parse');
    expect(error.message).toBe(message);
    expect(error.event).toBe(7);
  });

  test('a failed push leaves the state as it was, even when an earlier choice of the chunk was fine', () => {
    const assembler = createOpenAiAssembler();
    assembler.push(deltaChunk({ role: 'assistant', content: 'Hi' }));
    const before = JSON.stringify(assembler.snapshot());
    expect(() => assembler.push(chunk([choice({ content: ' there', tool_calls: [{ index: 0, id: 'a', function: { name: 'f' } }] }, { finish_reason: 'stop' }), choice(null, { index: 1, finish_reason: 7 })], { id: 'other', usage: { total_tokens: 1 } }))).toThrow(ParseError);
    expect(JSON.stringify(assembler.snapshot())).toBe(before);
    assembler.push(deltaChunk({ content: '!' }, { finish_reason: 'stop' }));
    expect(assembler.finish(true, false).choices[0]!.message.content).toBe('Hi!');
  });

  test('the ParseError carries the partial object assembled before it', () => {
    expect(errorFor(chunk([], { choices: 'x' })).partial).toMatchObject({ object: 'chat.completion', choices: [{ message: { content: 'Hi' } }] });
  });
});

describe('error payloads in the stream', () => {
  test('an {"error": …} payload becomes a ProviderError that keeps status_code', () => {
    const error = errorFor({ error: { message: 'Overloaded', type: 'server_error', code: 'overloaded' }, status_code: 503 });
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).status).toBe(503);
    expect((error as ProviderError).providerMessage).toBe('Overloaded');
    expect(error.partial).toMatchObject({ choices: [{ message: { content: 'Hi' } }] });
  });

  test('a vLLM {"object": "error"} payload becomes a ProviderError', () => {
    const error = errorFor({ object: 'error', message: 'Too long', type: 'BadRequestError', code: 400 });
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).status).toBe(400);
  });

  test('a mid-stream error event keeps its status and the content so far', () => {
    const wire = [
      `data: ${JSON.stringify(deltaChunk({ role: 'assistant', content: 'Partial' }))}`,
      '',
      'event: error',
      'data: {"error":{"message":"Internal error","type":"server_error","status_code":500}}',
      '',
      '',
    ].join('\n');
    const { error } = assembleSse(wire, createOpenAiAssembler());
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).status).toBe(500);
    expect(error!.partial).toMatchObject({ choices: [{ message: { content: 'Partial' }, finish_reason: null }] });
  });

  test('an error object on a chunk that still has choices ends the stream, after the chunk was applied (rule 3)', () => {
    const assembler = createOpenAiAssembler();
    let error: unknown;
    try {
      assembler.push(chunk([choice({ content: 'ok' }, { finish_reason: 'stop' })], { error: { message: 'late', code: 'x' } }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).providerCode).toBe('x');
    expect(((error as ProviderError).partial as ChatCompletion).choices[0]!.message.content).toBe('ok');
  });
});
