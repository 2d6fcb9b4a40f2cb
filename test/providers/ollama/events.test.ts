import { describe, expect, it } from 'vitest';
import { createOllamaAssembler } from '../../../src/providers/ollama/assembler.js';
import type { OllamaEvent } from '../../../src/providers/ollama/types.js';
import { assembleNdjson, ndjsonBody, OLLAMA_WIRE, referenceBody } from '../../helpers/ndjson-payloads.js';

function eventsOf(body: string | Uint8Array, options: { partialContent?: boolean } = {}) {
  const events: OllamaEvent[] = [];
  const assembler = createOllamaAssembler({ ...options, onEvent: (e) => events.push(e) });
  const outcome = assembleNdjson(assembler, body);
  return { events, ...outcome };
}

/** Each event without `snapshot`, for comparing with literal objects. */
function plain(events: OllamaEvent[], ...types: string[]) {
  return events.filter((e) => types.length === 0 || types.includes(e.type)).map(({ snapshot: _snapshot, ...rest }) => rest);
}

describe('events', () => {
  it('emits chunk and content.delta per line, then content.done, usage and finish on the done line', () => {
    const { events, final } = eventsOf(
      ndjsonBody(
        { model: 'm', created_at: 't1', message: { role: 'assistant', content: 'Hel' }, done: false },
        { model: 'm', created_at: 't2', message: { role: 'assistant', content: 'lo' }, done: false },
        { model: 'm', created_at: 't3', message: { role: 'assistant', content: '' }, done: true, done_reason: 'stop', prompt_eval_count: 5, eval_count: 2 },
      ),
    );
    expect(events.map((e) => e.type)).toEqual(['chunk', 'content.delta', 'chunk', 'content.delta', 'chunk', 'content.done', 'usage', 'finish']);
    expect(plain(events, 'content.delta', 'content.done', 'usage', 'finish')).toEqual([
      { type: 'content.delta', choice: 0, delta: 'Hel', content: 'Hel' },
      { type: 'content.delta', choice: 0, delta: 'lo', content: 'Hello' },
      { type: 'content.done', choice: 0, content: 'Hello' },
      { type: 'usage', choice: 0, usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 }, normalized: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7, cached_prompt_tokens: null, reasoning_tokens: null, unknown: ['cached_prompt_tokens', 'reasoning_tokens'] } },
      { type: 'finish', choice: 0, reason: 'stop' },
    ]);
    expect(events.at(-1)!.snapshot()).toEqual(final);
  });

  it('passes each line as it came on the chunk event', () => {
    const body = OLLAMA_WIRE.chatThinking;
    const { events } = eventsOf(body);
    const chunks = events.filter((e) => e.type === 'chunk').map((e) => (e as Extract<OllamaEvent, { type: 'chunk' }>).chunk);
    expect(chunks).toEqual(body.trim().split('\n').map((l) => JSON.parse(l)));
  });

  it('names Ollama’s field on reasoning events: thinking, for /api/chat and /api/generate', () => {
    for (const body of [OLLAMA_WIRE.chatThinking, OLLAMA_WIRE.generateThinking]) {
      const { events } = eventsOf(body);
      const reasoning = plain(events, 'reasoning.delta', 'reasoning.done');
      expect(reasoning.every((e) => 'field' in e && e.field === 'thinking')).toBe(true);
      expect(reasoning.at(-1)).toMatchObject({ type: 'reasoning.done' });
      expect(events.findIndex((e) => e.type === 'reasoning.done')).toBeLessThan(events.findIndex((e) => e.type === 'content.done'));
    }
    expect(plain(eventsOf(OLLAMA_WIRE.generateThinking).events, 'reasoning.delta', 'reasoning.done', 'content.delta')).toEqual([
      { type: 'reasoning.delta', choice: 0, field: 'thinking', delta: 'Plural of', reasoning: 'Plural of' },
      { type: 'reasoning.delta', choice: 0, field: 'thinking', delta: ' café?', reasoning: 'Plural of café?' },
      { type: 'content.delta', choice: 0, delta: 'cafés', content: 'cafés' },
      { type: 'reasoning.done', choice: 0, field: 'thinking', reasoning: 'Plural of café?' },
    ]);
  });

  it('emits no reasoning events and no empty deltas when the model did not think', () => {
    const { events } = eventsOf(OLLAMA_WIRE.toolCallOnDoneFalseLine);
    expect(events.some((e) => e.type.startsWith('reasoning.'))).toBe(false);
    expect(events.some((e) => e.type === 'content.delta')).toBe(false);
  });

  it('emits tool_call.start, one arguments.delta with the JSON text, and tool_call.done for each whole call', () => {
    const { events } = eventsOf(OLLAMA_WIRE.toolCallsOnFinalLine);
    expect(plain(events, 'tool_call.start', 'tool_call.arguments.delta', 'tool_call.done')).toEqual([
      { type: 'tool_call.start', choice: 0, kind: 'function', index: 0, id: 'call_1', name: 'get_current_weather' },
      {
        type: 'tool_call.arguments.delta',
        choice: 0,
        kind: 'function',
        index: 0,
        delta: '{"location":"Zürich, CH","format":"celsius"}',
        arguments: '{"location":"Zürich, CH","format":"celsius"}',
        partial: { location: 'Zürich, CH', format: 'celsius' },
      },
      { type: 'tool_call.done', choice: 0, kind: 'function', index: 0, id: 'call_1', name: 'get_current_weather', arguments: '{"location":"Zürich, CH","format":"celsius"}', parsed: { location: 'Zürich, CH', format: 'celsius' } },
      { type: 'tool_call.start', choice: 0, kind: 'function', index: 1, id: 'call_2', name: 'get_time' },
      { type: 'tool_call.arguments.delta', choice: 0, kind: 'function', index: 1, delta: '{}', arguments: '{}', partial: {} },
      { type: 'tool_call.done', choice: 0, kind: 'function', index: 1, id: 'call_2', name: 'get_time', arguments: '{}', parsed: {} },
    ]);
  });

  it('numbers tool calls by their place in the assembled list, across lines, and leaves id undefined when not sent', () => {
    const { events, final } = eventsOf(OLLAMA_WIRE.toolCallOnDoneFalseLine);
    const start = plain(events, 'tool_call.start');
    expect(start).toEqual([{ type: 'tool_call.start', choice: 0, kind: 'function', index: 0, id: undefined, name: 'get_current_weather' }]);
    const done = events.find((e) => e.type === 'tool_call.done')!;
    expect((done.snapshot() as { message: { tool_calls: unknown[] } }).message.tool_calls).toHaveLength(1);
    expect(final).toBeDefined();
  });

  it('emits logprobs.token per entry with its position in the list', () => {
    const { events } = eventsOf(OLLAMA_WIRE.chatLogprobs);
    const tokens = plain(events, 'logprobs.token');
    expect(tokens.map((e) => ('position' in e ? [e.kind, e.position, (e.token as { token: string }).token] : []))).toEqual([
      ['content', 0, 'Hi'],
      ['content', 1, ' 😊'],
    ]);
  });

  it('gives every event choice 0 and one shared snapshot function', () => {
    const { events } = eventsOf(referenceBody('ollama-chat-gemma3-plain.ndjson'));
    expect(events.every((e) => e.choice === 0)).toBe(true);
    expect(new Set(events.map((e) => e.snapshot)).size).toBe(1);
  });

  it('builds the snapshot of the moment an event is read', () => {
    const { events } = eventsOf(OLLAMA_WIRE.chatTruncated.concat('{"model":"qwen3","created_at":"x","message":{"role":"assistant","content":""},"done":true}\n'));
    const firstDelta = events.find((e) => e.type === 'content.delta')!;
    expect(firstDelta.snapshot()).toMatchObject({ message: { content: 'Kyoto' }, done: true });
  });

  it('leaves usage out when the final line has no eval counts, and gives finish reason null without done_reason', () => {
    const { events } = eventsOf(ndjsonBody({ model: 'm', created_at: 't', message: { role: 'assistant', content: '' }, done: true }));
    expect(events.map((e) => e.type)).toEqual(['chunk', 'content.done', 'finish']);
    expect(plain(events, 'finish')).toEqual([{ type: 'finish', choice: 0, reason: null }]);
  });

  it('emits content.partial for JSON content (Ollama’s format) when partialContent is on', () => {
    const pieces = ['{"age', '": 22, "avail', 'able": tr', 'ue}'];
    const body = ndjsonBody(
      ...pieces.map((content, i) => ({ model: 'llama3.1', created_at: `t${i}`, message: { role: 'assistant', content }, done: false })),
      { model: 'llama3.1', created_at: 't9', message: { role: 'assistant', content: '' }, done: true, done_reason: 'stop' },
    );
    // The partial value is live (it grows in place), so it is read when the event comes.
    const partials: unknown[] = [];
    const paths: unknown[] = [];
    const assembler = createOllamaAssembler({
      partialContent: true,
      onEvent: (e) => {
        if (e.type !== 'content.partial') return;
        partials.push(structuredClone(e.partial));
        paths.push(e.openPath);
      },
    });
    const { final } = assembleNdjson(assembler, body);
    expect(partials).toEqual([{}, { age: 22 }, { age: 22 }, { age: 22, available: true }]);
    expect(paths).toEqual([[], [], ['available'], []]);
    expect(JSON.parse((final as { message: { content: string } }).message.content)).toEqual({ age: 22, available: true });
    expect(eventsOf(body).events.some((e) => e.type === 'content.partial')).toBe(false);
  });

  it('stops emitting content.partial once the content is not JSON, and goes on assembling', () => {
    const body = ndjsonBody(
      { model: 'm', created_at: 't', message: { role: 'assistant', content: 'Sure! {' }, done: false },
      { model: 'm', created_at: 't', message: { role: 'assistant', content: '}' }, done: true },
    );
    const { events, final } = eventsOf(body, { partialContent: true });
    expect(events.some((e) => e.type === 'content.partial')).toBe(false);
    expect((final as { message: { content: string } }).message.content).toBe('Sure! {}');
  });

  it('emits content events for /api/generate’s response', () => {
    const { events } = eventsOf(referenceBody('ollama-generate-dolphin3-context.ndjson'));
    const done = plain(events, 'content.done')[0] as { content: string };
    expect(done.content.startsWith('A rabbit is')).toBe(true);
    expect(plain(events, 'usage')).toEqual([{ type: 'usage', choice: 0, usage: { prompt_tokens: 31, completion_tokens: 47, total_tokens: 78 }, normalized: { prompt_tokens: 31, completion_tokens: 47, total_tokens: 78, cached_prompt_tokens: null, reasoning_tokens: null, unknown: ['cached_prompt_tokens', 'reasoning_tokens'] } }]);
  });
});
