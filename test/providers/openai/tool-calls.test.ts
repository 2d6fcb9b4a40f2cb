import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { createOpenAiAssembler } from '../../../src/providers/openai/assembler.js';
import type { ChatCompletion, ChatCompletionToolCall } from '../../../src/providers/openai/types.js';
import { assemblePayloads, choice, chunk, deltaChunk, finishChunk } from '../../helpers/openai-chunks.js';
import { REFERENCE_STREAMS, assembleSse, readRecording } from '../../helpers/sse-payloads.js';

function reference(name: string): ChatCompletion {
  const { final, error } = assembleSse(readRecording(`${name}.sse`), createOpenAiAssembler());
  if (error) throw error;
  return final!;
}

/** The tool calls assembled from these `delta.tool_calls` arrays (one chunk each). */
function callsOf(...fragments: unknown[][]): ChatCompletionToolCall[] | undefined {
  const final = assemblePayloads([deltaChunk({ role: 'assistant', content: null }), ...fragments.map((f) => deltaChunk({ tool_calls: f })), finishChunk('tool_calls')]);
  return final.choices[0]!.message.tool_calls;
}

const call = (id: string, name: string, args: string, type = 'function') => ({ id, type, function: { name, arguments: args } });

describe('tool calls', () => {
  test('a call streamed in argument fragments assembles as openai-python asserts', () => {
    const final = reference('openai-chat-tool-call-single');
    expect(final).toMatchObject(JSON.parse(readFileSync(`${REFERENCE_STREAMS}/openai-chat-tool-call-single.expected.json`, 'utf8')));
    expect('index' in final.choices[0]!.message.tool_calls![0]!).toBe(false);
  });

  test('parallel calls are kept apart and ordered by index', () => {
    expect(reference('openai-chat-gpt-4.1-parallel-tool-calls-obfuscation').choices[0]!.message.tool_calls).toEqual([
      call('call_oStfjbrEyya6I2px3EzDuGVB', 'getCurrentWeather', '{"location": "Boston, MA"}'),
      call('call_YZ4lwwqnfF0SkJgYRUhpJnn4', 'getCurrentTime', '{"location": "Boston, MA"}'),
    ]);
  });

  test('parallel calls whose fragments interleave in any order assemble', () => {
    expect(
      callsOf(
        [{ index: 1, id: 'b', type: 'function', function: { name: 'g', arguments: '' } }],
        [{ index: 0, id: 'a', type: 'function', function: { name: 'f', arguments: '{"x"' } }],
        [{ index: 1, function: { arguments: '{"y"' } }, { index: 0, function: { arguments: ':1}' } }],
        [{ index: 1, function: { arguments: ':2}' } }],
      ),
    ).toEqual([call('a', 'f', '{"x":1}'), call('b', 'g', '{"y":2}')]);
  });

  test('a whole call in one chunk with index after function assembles (Groq)', () => {
    expect(reference('groq-tool-call-whole-in-one-chunk-x-groq').choices[0]!.message.tool_calls).toEqual([call('tk85n1k4m', 'weather', '{}')]);
  });

  test('an id and type repeated on every fragment are not concatenated (OpenRouter)', () => {
    expect(reference('openrouter-gpt-4o-mini-tool-call-role-repeated').choices[0]!.message.tool_calls).toEqual([
      call('call_Zb8QRxYb4sk5KwWMNBXJrKY0', 'getCurrentWeather', '{"location":"Boston, MA"}'),
    ]);
  });

  test('a tool name that comes late, or as "" first, is taken from the first non-empty one', () => {
    expect(callsOf([{ index: 0, id: 'a', type: 'function', function: { name: '', arguments: '' } }], [{ index: 0, function: { name: 'f' } }], [{ index: 0, function: { name: 'f', arguments: '{}' } }])).toEqual([
      call('a', 'f', '{}'),
    ]);
    expect(callsOf([{ index: 0, id: 'a', function: { arguments: '{"k":' } }], [{ index: 0, function: { name: 'late', arguments: '1}' } }])).toEqual([call('a', 'late', '{"k":1}')]);
  });

  test('arguments "" first and arguments on the same fragment as the name concatenate', () => {
    expect(callsOf([{ index: 0, id: 'a', type: 'function', function: { name: 'f', arguments: '' } }], [{ index: 0, function: { arguments: '{' } }], [{ index: 0, function: { arguments: '}' } }])).toEqual([
      call('a', 'f', '{}'),
    ]);
  });

  test('a type missing on later fragments, or never sent, is "function"', () => {
    expect(callsOf([{ index: 0, id: 'a', function: { name: 'f', arguments: '{}' } }])).toEqual([call('a', 'f', '{}')]);
  });

  test('an empty id is ignored until a real one comes', () => {
    expect(callsOf([{ index: 0, id: '', function: { name: 'f', arguments: '{' } }], [{ index: 0, id: 'real', function: { arguments: '}' } }])).toEqual([call('real', 'f', '{}')]);
    expect(callsOf([{ index: 0, id: '', function: { name: 'f', arguments: '{}' } }])).toEqual([call('', 'f', '{}')]);
  });

  test('sparse indexes give one call each, in index order', () => {
    expect(callsOf([{ index: 3, id: 'd', function: { name: 'h', arguments: '{}' } }], [{ index: 0, id: 'a', function: { name: 'f', arguments: '{}' } }])).toEqual([
      call('a', 'f', '{}'),
      call('d', 'h', '{}'),
    ]);
  });

  test('an index reused with a different id starts a new call appended after the others', () => {
    expect(
      callsOf(
        [{ index: 0, id: 'a', function: { name: 'f', arguments: '{"n":' } }],
        [{ index: 0, function: { arguments: '1}' } }],
        [{ index: 0, id: 'b', function: { name: 'g', arguments: '{"n":' } }],
        [{ index: 0, function: { arguments: '2}' } }],
        [{ index: 1, id: 'c', function: { name: 'h', arguments: '{}' } }],
      ),
    ).toEqual([call('a', 'f', '{"n":1}'), call('b', 'g', '{"n":2}'), call('c', 'h', '{}')]);
  });

  describe('a fragment without index is not dropped', () => {
    test('with an id it has seen, it goes to that call', () => {
      expect(callsOf([{ index: 0, id: 'a', function: { name: 'f', arguments: '{"x":' } }], [{ index: 1, id: 'b', function: { name: 'g', arguments: '{}' } }], [{ id: 'a', function: { arguments: '1}' } }])).toEqual([
        call('a', 'f', '{"x":1}'),
        call('b', 'g', '{}'),
      ]);
    });

    test('with a new id, it starts a new call at the next free index', () => {
      expect(callsOf([{ index: 0, id: 'a', function: { name: 'f', arguments: '{}' } }], [{ id: 'b', function: { name: 'g', arguments: '{' } }], [{ function: { arguments: '}' } }])).toEqual([
        call('a', 'f', '{}'),
        call('b', 'g', '{}'),
      ]);
    });

    test('without an id, it continues the most recently started call', () => {
      expect(callsOf([{ index: 0, id: 'a', function: { name: 'f', arguments: '{"x":' } }], [{ index: 1, id: 'b', function: { name: 'g', arguments: '{"y":' } }], [{ index: 0, function: { arguments: '1}' } }], [{ function: { arguments: '2}' } }])).toEqual([
        call('a', 'f', '{"x":1}'),
        call('b', 'g', '{"y":2}'),
      ]);
    });

    test('without an id and without any call yet, it starts call 0', () => {
      expect(callsOf([{ function: { name: 'f', arguments: '{' } }], [{ function: { arguments: '}' } }])).toEqual([call('', 'f', '{}')]);
    });

    test('a server that never sends index gets one call per id', () => {
      expect(callsOf([{ id: 'a', type: 'function', function: { name: 'f', arguments: '{}' } }, { id: 'b', type: 'function', function: { name: 'g', arguments: '{}' } }])).toEqual([
        call('a', 'f', '{}'),
        call('b', 'g', '{}'),
      ]);
    });
  });

  test('the recorded quirks mix assembles as its expected.json says', () => {
    const path = 'recordings/openai-tool-call-quirks';
    const { final } = assembleSse(readRecording(`${process.cwd()}/${path}.sse`), createOpenAiAssembler());
    expect(final).toEqual(JSON.parse(readFileSync(`${path}.expected.json`, 'utf8')));
  });

  test('arguments sent as an object are taken as their JSON text', () => {
    expect(callsOf([{ index: 0, id: 'a', function: { name: 'f', arguments: { city: 'Köln' } } }])).toEqual([call('a', 'f', '{"city":"Köln"}')]);
  });

  test('unknown fields of a call keep their last non-null value', () => {
    const calls = callsOf([{ index: 0, id: 'a', function: { name: 'f', arguments: '{}' }, extra_content: { google: { thought_signature: 'sig' } } }], [{ index: 0, extra_content: null }]);
    expect(calls).toEqual([{ ...call('a', 'f', '{}'), extra_content: { google: { thought_signature: 'sig' } } }]);
    // An unknown field is found next to some known fields absent, or sent as null.
    const later = callsOf([{ index: 0, id: 'a', function: { name: 'f', arguments: '{}' }, meta: 1 }], [{ index: 0, function: { arguments: '' }, meta: 2 }], [{ id: null, type: null, function: null, tag: 'x' }]);
    expect(later).toEqual([{ ...call('a', 'f', '{}'), meta: 2, tag: 'x' }]);
  });

  test('no tool_calls key when no call arrived, even after tool_calls: [] or null', () => {
    const final = assemblePayloads([deltaChunk({ role: 'assistant', content: 'x', tool_calls: [] }), deltaChunk({ tool_calls: null }), finishChunk()]);
    expect('tool_calls' in final.choices[0]!.message).toBe(false);
  });

  test('calls of different choices stay apart', () => {
    const final = assemblePayloads([
      chunk([choice({ tool_calls: [{ index: 0, id: 'a', function: { name: 'f', arguments: '{' } }] }), choice({ tool_calls: [{ index: 0, id: 'b', function: { name: 'g', arguments: '[' } }] }, { index: 1 })]),
      deltaChunk({ tool_calls: [{ index: 0, function: { arguments: '}' } }] }),
      chunk([choice({ tool_calls: [{ index: 0, function: { arguments: ']' } }] }, { index: 1, finish_reason: 'tool_calls' })]),
      finishChunk('tool_calls'),
    ]);
    expect(final.choices.map((c) => c.message.tool_calls)).toEqual([[call('a', 'f', '{}')], [call('b', 'g', '[]')]]);
  });

  test('legacy delta.function_call becomes message.function_call', () => {
    const final = assemblePayloads([
      deltaChunk({ role: 'assistant', content: null, function_call: { name: 'get_weather', arguments: '' } }),
      deltaChunk({ function_call: { arguments: '{\n"city"' } }),
      deltaChunk({ function_call: { arguments: ': "Oslo"\n}' } }),
      finishChunk('function_call'),
    ]);
    expect(final.choices[0]!.message).toEqual({ role: 'assistant', content: null, refusal: null, function_call: { name: 'get_weather', arguments: '{\n"city": "Oslo"\n}' } });
    expect(final.choices[0]!.finish_reason).toBe('function_call');
  });
});
