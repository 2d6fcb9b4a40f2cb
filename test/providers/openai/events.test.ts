import { createIncrementalJson } from '../../../src/assembly/incremental-json.js';
import { describe, expect, test } from 'vitest';
import { ParseError } from '../../../src/errors.js';
import { createOpenAiAssembler } from '../../../src/providers/openai/assembler.js';
import type { OpenAiEvent } from '../../../src/providers/openai/event-sink.js';
import { choice, chunk, deltaChunk, eventsOf, finishChunk } from '../../helpers/openai-chunks.js';
import { ssePayloads, readRecording } from '../../helpers/sse-payloads.js';

type Of<T extends OpenAiEvent['type']> = Extract<OpenAiEvent, { type: T }>;
const only = <T extends OpenAiEvent['type']>(events: OpenAiEvent[], type: T) => events.filter((e): e is Of<T> => e.type === type);
/** `type@choice` of each event, without `chunk` events. */
const trace = (events: OpenAiEvent[]) => events.filter((e) => e.type !== 'chunk').map((e) => `${e.type}@${e.choice}`);

function recordingEvents(name: string, options: { partialContent?: boolean; partialArguments?: boolean } = {}) {
  const { payloads, terminated } = ssePayloads(readRecording(`${name}.sse`));
  return eventsOf(payloads, { ...options, terminated });
}

describe('events', () => {
  test('events say which choice they belong to, and each choice finishes on its own finish_reason', () => {
    const { events } = eventsOf([
      chunk([choice({ role: 'assistant', content: 'B' }, { index: 1 })]),
      chunk([choice({ role: 'assistant', content: 'A' })]),
      chunk([choice({}, { index: 1, finish_reason: 'length' })]),
      finishChunk('stop', 0),
    ]);
    expect(trace(events)).toEqual(['content.delta@1', 'content.delta@0', 'content.done@1', 'finish@1', 'content.done@0', 'finish@0']);
    expect(only(events, 'finish').map((e) => e.reason)).toEqual(['length', 'stop']);
  });

  test('content.delta carries the text so far and content.done the whole text', () => {
    const { events, final } = recordingEvents('openai-chat-text-usage');
    const deltas = only(events, 'content.delta');
    expect(deltas.map((e) => e.delta).join('')).toBe(final.choices[0]!.message.content);
    expect(deltas.at(-1)!.content).toBe(final.choices[0]!.message.content);
    expect(only(events, 'content.done')).toMatchObject([{ choice: 0, content: final.choices[0]!.message.content }]);
  });

  test('one chunk event per push, after the events of its fields', () => {
    const { events } = eventsOf([deltaChunk({ role: 'assistant', content: 'x' }), finishChunk()]);
    expect(events.map((e) => e.type)).toEqual(['content.delta', 'chunk', 'content.done', 'finish', 'chunk']);
    expect(only(events, 'chunk')[0]!.chunk).toMatchObject({ object: 'chat.completion.chunk' });
  });

  test('refusal.delta and refusal.done follow the refusal text', () => {
    const { events, final } = recordingEvents('openai-chat-refusal');
    expect(only(events, 'refusal.delta').map((e) => e.delta).join('')).toBe(final.choices[0]!.message.refusal);
    expect(only(events, 'refusal.done')).toHaveLength(1);
    expect(only(events, 'content.delta')).toHaveLength(0);
  });

  test('reasoning events name the field the server used', () => {
    const deepseek = recordingEvents('deepseek-v4-flash-reasoning-then-tool-call');
    const reasoning = only(deepseek.events, 'reasoning.delta');
    expect(new Set(reasoning.map((e) => e.field))).toEqual(new Set(['reasoning_content']));
    expect(reasoning.at(-1)!.reasoning).toBe(deepseek.final.choices[0]!.message.reasoning_content);
    expect(only(deepseek.events, 'reasoning.done')).toMatchObject([{ field: 'reasoning_content', reasoning: deepseek.final.choices[0]!.message.reasoning_content }]);
    const groq = eventsOf([deltaChunk({ reasoning: 'Hm' }), deltaChunk({ reasoning_text: 'x', thinking: 'y', other: 'z' }), finishChunk()]).events;
    expect(only(groq, 'reasoning.delta').map((e) => e.field)).toEqual(['reasoning', 'reasoning_text', 'thinking']);
  });

  test('tool_call.start comes once the name is known, then the arguments so far, then the rest', () => {
    // `partial` is the incremental parser's live value: read it when the event comes.
    const partials: string[] = [];
    const { events } = eventsOf([
      deltaChunk({ tool_calls: [{ index: 0, id: 'a', type: 'function', function: { name: '', arguments: '{"ci' } }] }),
      deltaChunk({ tool_calls: [{ index: 0, function: { name: 'weather', arguments: 'ty":"Pa' } }] }),
      deltaChunk({ tool_calls: [{ index: 0, function: { arguments: 'ris"}' } }] }),
      finishChunk('tool_calls'),
    ], { onEvent: (e) => e.type === 'tool_call.arguments.delta' && partials.push(JSON.stringify(e.partial)) });
    const calls = events.filter((e) => e.type.startsWith('tool_call.'));
    expect(calls.map((e) => e.type)).toEqual(['tool_call.start', 'tool_call.arguments.delta', 'tool_call.arguments.delta', 'tool_call.done']);
    expect(calls[0]).toMatchObject({ index: 0, id: 'a', name: 'weather' });
    expect(calls[1]).toMatchObject({ delta: '{"city":"Pa', arguments: '{"city":"Pa' });
    expect(partials).toEqual(['{"city":"Pa"}', '{"city":"Paris"}']);
    expect(calls[2]).toMatchObject({ delta: 'ris"}', arguments: '{"city":"Paris"}' });
    expect(calls[3]).toMatchObject({ index: 0, id: 'a', name: 'weather', arguments: '{"city":"Paris"}', parsed: { city: 'Paris' } });
    expect(calls[3]).not.toHaveProperty('error');
  });

  test('partial arguments are parsed when read: skipping events, any of them gives the value up to it', () => {
    const text = JSON.stringify({ rows: [{ a: 'x\u00e9y', b: [1, 2.5, null] }, { c: true }], note: 'done' });
    const fragments = text.match(/[\s\S]{1,3}/g)!;
    for (const every of [1, 2, 5, 7]) {
      const seen: Array<{ at: number; partial: string }> = [];
      let n = 0;
      eventsOf(
        [
          ...fragments.map((f, i) => deltaChunk({ tool_calls: [{ index: 0, ...(i === 0 ? { id: 'a', function: { name: 'f', arguments: f } } : { function: { arguments: f } }) }] })),
          finishChunk('tool_calls'),
        ],
        {
          onEvent: (e) => {
            if (e.type !== 'tool_call.arguments.delta' || n++ % every !== 0) return;
            seen.push({ at: e.arguments.length, partial: JSON.stringify(e.partial) });
          },
        },
      );
      expect(seen.length).toBe(Math.ceil(fragments.length / every));
      // The reference: a parser fed the whole prefix at once.
      for (const { at, partial } of seen) {
        const reference = createIncrementalJson();
        reference.feed(text.slice(0, at));
        expect(partial).toBe(JSON.stringify(reference.partial()));
      }
    }
  });

  test('partial arguments are left out when partialArguments is false', () => {
    const { events } = eventsOf([deltaChunk({ tool_calls: [{ index: 0, id: 'a', function: { name: 'f', arguments: '{"a":1' } }] }), finishChunk('tool_calls')], { partialArguments: false });
    expect(only(events, 'tool_call.arguments.delta')[0]!.partial).toBeUndefined();
  });

  test('parallel calls are told apart by index', () => {
    const { events } = recordingEvents('openai-chat-gpt-4.1-parallel-tool-calls-obfuscation');
    expect(only(events, 'tool_call.start').map((e) => [e.index, e.name])).toEqual([
      [0, 'getCurrentWeather'],
      [1, 'getCurrentTime'],
    ]);
    expect(only(events, 'tool_call.done').map((e) => [e.index, e.parsed])).toEqual([
      [0, { location: 'Boston, MA' }],
      [1, { location: 'Boston, MA' }],
    ]);
  });

  test('tool_call.done reports invalid JSON arguments as a ParseError with the raw text, and "" parses as {}', () => {
    const { events } = eventsOf([
      deltaChunk({ tool_calls: [{ index: 0, id: 'a', function: { name: 'bad', arguments: '{"city": ' } }, { index: 1, id: 'b', function: { name: 'none', arguments: '' } }] }),
      finishChunk('tool_calls'),
    ]);
    const [bad, none] = only(events, 'tool_call.done');
    expect(bad!.parsed).toBeUndefined();
    expect(bad!.error).toBeInstanceOf(ParseError);
    expect(bad!.error!.message).toMatch(/^choices\[0\]\.tool_calls\[0\]\.function\.arguments is not valid JSON/);
    expect(bad!.error!.excerpt).toBe('{"city": ');
    expect(none).toMatchObject({ name: 'none', arguments: '', parsed: {} });
    expect(none).not.toHaveProperty('error');
  });

  test('logprobs.token comes once per token, with its kind and position, the first chunk included', () => {
    const token = (t: string) => ({ token: t, logprob: -1, bytes: null });
    const { events } = eventsOf([
      deltaChunk({ content: 'a' }, { logprobs: { content: [token('a')], refusal: null } }),
      deltaChunk({ content: 'bc' }, { logprobs: { content: [token('b'), token('c')] } }),
      deltaChunk({ refusal: 'no' }, { logprobs: { content: null, refusal: [token('no')] } }),
      finishChunk(),
    ]);
    expect(only(events, 'logprobs.token').map((e) => [e.kind, e.token.token, e.position])).toEqual([
      ['content', 'a', 0],
      ['content', 'b', 1],
      ['content', 'c', 2],
      ['refusal', 'no', 0],
    ]);
  });

  test('usage is reported once when x_groq.usage and usage come on the same chunk', () => {
    const { events } = recordingEvents('groq-tool-call-whole-in-one-chunk-x-groq');
    expect(only(events, 'usage')).toMatchObject([{ usage: { total_tokens: 225 } }]);
  });

  test('every event shares one snapshot function, which returns the response so far', () => {
    const seen: unknown[] = [];
    const events: OpenAiEvent[] = [];
    const assembler = createOpenAiAssembler({
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'content.delta') seen.push(e.snapshot().choices[0]!.message.content);
      },
    });
    for (const p of [deltaChunk({ content: 'a' }), deltaChunk({ content: 'b' }), finishChunk()]) assembler.push(p);
    expect(seen).toEqual(['a', 'ab']);
    expect(new Set(events.map((e) => e.snapshot)).size).toBe(1);
  });

  test('choices without finish_reason get their done events and a null finish at the end of the stream', () => {
    const { events } = eventsOf([deltaChunk({ content: 'a', tool_calls: [{ index: 0, id: 'x', function: { name: 'f', arguments: '{}' } }] })]);
    expect(trace(events)).toEqual(['content.delta@0', 'tool_call.start@0', 'tool_call.arguments.delta@0', 'content.done@0', 'tool_call.done@0', 'finish@0']);
    expect(only(events, 'finish')[0]!.reason).toBeNull();
  });

  test('a repeated finish_reason does not repeat the done events', () => {
    const { events } = eventsOf([deltaChunk({ content: 'a' }), finishChunk(), finishChunk()]);
    expect(only(events, 'finish')).toHaveLength(1);
    expect(only(events, 'content.done')).toHaveLength(1);
  });

  test('with partialContent, structured content is parsed as it streams', () => {
    const { events } = recordingEvents('openai-chat-structured', { partialContent: true });
    const partials = only(events, 'content.partial');
    expect(partials.length).toBeGreaterThan(3);
    expect(partials.at(-1)!.partial).toEqual({ city: 'San Francisco', units: 'f' });
    expect(partials.at(-1)!.openPath).toEqual([]);
    expect(only(recordingEvents('openai-chat-structured').events, 'content.partial')).toHaveLength(0);
  });
});
