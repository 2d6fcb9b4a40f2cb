import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { StreamEvent } from '../../../src/assembly/events.js';
import { LimitError, ParseError, ProviderError, TruncatedStreamError } from '../../../src/errors.js';
import { createResponsesAssembler } from '../../../src/providers/openai-responses/assembler.js';
import type { Response } from '../../../src/providers/openai-responses/types.js';
import { RESPONSES_DIR } from '../../helpers/responses-recordings.js';
import { assembleSse, ssePayloads } from '../../helpers/sse-payloads.js';

function run(file: string, options: { strict?: boolean } = {}) {
  const events: StreamEvent[] = [];
  const body = readFileSync(RESPONSES_DIR + file);
  const result = assembleSse<Response>(body, createResponsesAssembler({ ...options, onEvent: (e) => events.push(e) }));
  return { ...result, events, of: <T extends StreamEvent['type']>(type: T) => events.filter((e) => e.type === type) as Extract<StreamEvent, { type: T }>[] };
}

const outputText = (response: Response) =>
  response.output.flatMap((item) => (item.type === 'message' ? (item.content as Array<{ type: string; text?: string }>) : [])).filter((p) => p.type === 'output_text').map((p) => p.text).join('');

describe('events of a Responses stream (the chat-completions names)', () => {
  it('content.delta events add up to the output text; content.done has it whole; then usage, finish, chunk per event', () => {
    const { final, of, events } = run('lmstudio-gemma-7b-plain-text.sse');
    const text = of('content.delta').map((e) => e.delta).join('');
    expect(text).toBe(outputText(final!));
    expect(of('content.delta').at(-1)!.content).toBe(text);
    expect(of('content.done').map((e) => e.content)).toEqual([text]);
    expect(of('usage')).toHaveLength(1);
    expect(of('usage')[0]!.usage).toMatchObject({ prompt_tokens: final!.usage!.input_tokens, completion_tokens: final!.usage!.output_tokens, input_tokens: final!.usage!.input_tokens });
    expect(of('finish').map((e) => e.reason)).toEqual(['stop']);
    expect(of('chunk')).toHaveLength(ssePayloads(readFileSync(RESPONSES_DIR + 'lmstudio-gemma-7b-plain-text.sse')).payloads.length);
    // usage and finish come before the terminal event's chunk event, as a chat chunk's field events do
    expect(events.slice(-3).map((e) => e.type)).toEqual(['usage', 'finish', 'chunk']);
  });

  it('function calls: tool_call.start with call_id and name, argument deltas with the incremental partial, tool_call.done parsed', () => {
    const { final, of } = run('deepseek-v4-flash-reasoning-text-then-function-call.sse');
    const call = final!.output.find((item) => item.type === 'function_call')!;
    const index = final!.output.indexOf(call);
    expect(of('tool_call.start')).toEqual([expect.objectContaining({ index, id: call.call_id, name: call.name })]);
    const deltas = of('tool_call.arguments.delta');
    expect(deltas.map((e) => e.delta).join('')).toBe(call.arguments);
    expect(deltas.at(-1)!.partial).toEqual(JSON.parse(call.arguments as string));
    expect(of('tool_call.done')).toEqual([expect.objectContaining({ index, id: call.call_id, name: call.name, arguments: call.arguments, parsed: JSON.parse(call.arguments as string) })]);
    expect(of('finish').map((e) => e.reason)).toEqual(['tool_calls']);
    // raw reasoning text
    const reasoning = of('reasoning.delta');
    expect(reasoning.every((e) => e.field === 'reasoning_text')).toBe(true);
    expect(reasoning.map((e) => e.delta).join('')).toBe(of('reasoning.done')[0]!.reasoning);
  });

  it('custom tool calls: the free-form input streams as argument deltas (no partial JSON); tool_call.done carries it', () => {
    const { final, of } = run('openai-gpt-5.2-codex-custom-tool-call-input-deltas.sse');
    const call = final!.output[0]!;
    expect(call.type).toBe('custom_tool_call');
    expect(of('tool_call.start')[0]).toMatchObject({ id: call.call_id, name: call.name });
    expect(of('tool_call.arguments.delta').map((e) => e.delta).join('')).toBe(call.input);
    expect(of('tool_call.arguments.delta')[0]!.partial).toBeUndefined();
    expect(of('tool_call.done')[0]).toMatchObject({ arguments: call.input, parsed: call.input });
  });

  it('reasoning summaries: reasoning.delta with field reasoning_summary, one reasoning.done per summary part', () => {
    const { final, of } = run('openai-reasoning-summaries.sse');
    const summary = (final!.output[0]!.summary as Array<{ text: string }>).map((s) => s.text);
    expect(of('reasoning.done').map((e) => e.reasoning)).toEqual(summary);
    expect(of('reasoning.delta').every((e) => e.field === 'reasoning_summary')).toBe(true);
    expect(of('reasoning.delta').map((e) => e.delta).join('')).toBe(summary.join(''));
  });

  it('annotations: one annotation event per citation, equal to the final ones', () => {
    const { final, of } = run('openai-web-search-citations.sse');
    const message = final!.output.find((item) => item.type === 'message')!;
    const annotations = (message.content as Array<{ annotations: unknown[] }>)[0]!.annotations;
    expect(annotations.length).toBeGreaterThan(0);
    expect(of('annotation').map((e) => e.annotation)).toEqual(annotations);
  });

  it('logprobs: one logprobs.token per token, in order, equal to the final part logprobs', () => {
    const { final, of } = run('openai-gpt-4o-mini-text-logprobs.sse');
    const part = (final!.output[0]!.content as Array<{ logprobs: unknown[] }>)[0]!;
    const tokens = of('logprobs.token');
    expect(tokens.length).toBe(part.logprobs.length);
    // The terminal response's values are rounded differently from the deltas' (it stays authoritative).
    const tokenOf = ({ token, bytes }: { token: string; bytes: unknown }) => ({ token, bytes });
    expect(tokens.map((e) => tokenOf(e.token))).toEqual(part.logprobs.map((t) => tokenOf(t as { token: string; bytes: unknown })));
    tokens.forEach((e, i) => expect(e.token.logprob).toBeCloseTo((part.logprobs[i] as { logprob: number }).logprob, 4));
    expect(tokens.map((e) => e.position)).toEqual(part.logprobs.map((_, i) => i));
  });

  it('refusal: refusal.delta events add up, refusal.done has it', () => {
    const { final, of } = run('constructed-refusal-data-only.sse');
    const refusal = (final!.output[0]!.content as Array<{ refusal: string }>)[0]!.refusal;
    expect(of('refusal.delta').map((e) => e.delta).join('')).toBe(refusal);
    expect(of('refusal.done').map((e) => e.refusal)).toEqual([refusal]);
  });

  it('incomplete by max_output_tokens resolves with its incomplete_details; finish reason length', () => {
    const { final, error, of } = run('constructed-incomplete-max-output-tokens.sse');
    expect(error).toBeUndefined();
    expect(final!.status).toBe('incomplete');
    expect(final!.incomplete_details).toEqual({ reason: 'max_output_tokens' });
    expect(of('finish').map((e) => e.reason)).toEqual(['length']);
  });
});

describe('failures carry the partial Response', () => {
  const envelope = { type: 'response.created', sequence_number: 0, response: { id: 'resp_1', object: 'response', status: 'in_progress', output: [] } };
  const added = { type: 'response.output_item.added', sequence_number: 1, output_index: 0, item: { id: 'msg_1', type: 'message', status: 'in_progress', role: 'assistant', content: [] } };
  const part = { type: 'response.content_part.added', sequence_number: 2, output_index: 0, content_index: 0, item_id: 'msg_1', part: { type: 'output_text', text: '', annotations: [] } };
  const delta = (n: number, text: string) => ({ type: 'response.output_text.delta', sequence_number: n, output_index: 0, content_index: 0, item_id: 'msg_1', delta: text });

  it('truncated: items that never finished keep status in_progress and their text so far', () => {
    const assembler = createResponsesAssembler();
    for (const e of [envelope, added, part, delta(3, 'Hel'), delta(4, 'lo')]) assembler.push(e);
    expect(() => assembler.finish(false, false)).toThrow(TruncatedStreamError);
    try {
      assembler.finish(true, false);
    } catch (error) {
      expect((error as TruncatedStreamError).message).toMatch(/with \[DONE\] without a terminal event.*output item 0 still in progress/);
      expect((error as TruncatedStreamError).partial).toEqual({
        id: 'resp_1',
        object: 'response',
        status: 'in_progress',
        output: [{ id: 'msg_1', type: 'message', status: 'in_progress', role: 'assistant', content: [{ type: 'output_text', text: 'Hello', annotations: [] }] }],
      });
    }
    expect(assembler.finish(false, true).output[0]!.content).toEqual([{ type: 'output_text', text: 'Hello', annotations: [] }]);
  });

  it('response.failed: a ProviderError with the response error, its partial the failed response', () => {
    const failed = { type: 'response.failed', sequence_number: 4, response: { id: 'resp_1', object: 'response', status: 'failed', error: { code: 'server_error', message: 'boom' }, output: [] } };
    const assembler = createResponsesAssembler();
    for (const e of [envelope, added, part]) assembler.push(e);
    let caught: unknown;
    try {
      assembler.push(failed);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ProviderError);
    expect(caught).toMatchObject({ providerMessage: 'boom', providerCode: 'server_error' });
    expect((caught as ProviderError).partial).toMatchObject({ status: 'failed', error: { code: 'server_error' }, output: [{ id: 'msg_1', status: 'in_progress' }] });
    expect(() => assembler.finish(false, false)).toThrow(caught as Error);
  });

  it('a payload that is not an event: a ParseError naming the event, with the partial', () => {
    const assembler = createResponsesAssembler();
    assembler.push(envelope, { event: 1 });
    expect(() => assembler.push([1, 2], { event: 2 })).toThrow(ParseError);
    expect(() => assembler.push({ type: 'response.output_text.delta', output_index: -1, delta: 'x' }, { event: 3 })).toThrow(/output_index must be a non-negative integer, got a number \(-1\)/);
  });

  it('an index past the largest the dense part lists take (65535) is a LimitError naming the field, with the partial', () => {
    for (const [key, at] of [['output_index', 1e9], ['content_index', 65_536]] as const) {
      const assembler = createResponsesAssembler();
      assembler.push(envelope, { event: 1 });
      let caught: unknown;
      try {
        assembler.push({ type: 'response.content_part.added', output_index: 0, content_index: 0, [key]: at, part: { type: 'output_text', text: '' } }, { event: 2 });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(LimitError);
      expect(caught).toMatchObject({ limitName: 'index', limit: 65_535, event: 2 });
      expect((caught as LimitError).message).toMatch(new RegExp(`^response\\.content_part\\.added\\.${key} is ${at}, above the largest index chunkwise accepts \\(65535\\)`));
      expect((caught as LimitError).partial).toMatchObject({ id: 'resp_1' });
    }
  });

  it('a function call that never got output_item.done keeps its streamed arguments in the final object, with events on or off', () => {
    const events = [
      envelope,
      { type: 'response.output_item.added', output_index: 0, item: { id: 'fc_1', type: 'function_call', status: 'in_progress', call_id: 'call_1', name: 'f', arguments: '' } },
      { type: 'response.function_call_arguments.delta', output_index: 0, item_id: 'fc_1', delta: '{"a"' },
      { type: 'response.function_call_arguments.delta', output_index: 0, item_id: 'fc_1', delta: ':1}' },
      { type: 'response.completed', response: { id: 'resp_1', object: 'response', status: 'completed', output: [] } },
    ];
    for (const withEvents of [false, true]) {
      const seen: StreamEvent[] = [];
      const assembler = createResponsesAssembler(withEvents ? { onEvent: (e) => seen.push(e) } : {});
      events.forEach((e, i) => assembler.push(e, { event: i + 1 }));
      expect(assembler.finish(true, false).output).toMatchObject([{ type: 'function_call', call_id: 'call_1', arguments: '{"a":1}' }]);
      if (withEvents) expect(seen.filter((e) => e.type === 'tool_call.done')).toMatchObject([{ arguments: '{"a":1}', parsed: { a: 1 } }]);
    }
  });

  it('a text delta that is not a string is a ParseError naming the event type, with the partial', () => {
    for (const type of ['response.output_text.delta', 'response.refusal.delta', 'response.reasoning_text.delta']) {
      const assembler = createResponsesAssembler();
      assembler.push(envelope, { event: 1 });
      let caught: unknown;
      try {
        assembler.push({ type, output_index: 0, content_index: 0, delta: { text: 'x' } }, { event: 2 });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ParseError);
      expect((caught as ParseError).message.startsWith(`${type}.delta must be a string, got an object`)).toBe(true);
      expect(caught).toMatchObject({ event: 2, partial: { id: 'resp_1' } });
    }
  });

  it('deltas and arguments sent as objects deeper than JSON.stringify goes are written as their JSON text', () => {
    const deep = JSON.parse('{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000));
    const seen: StreamEvent[] = [];
    const assembler = createResponsesAssembler({ onEvent: (e) => seen.push(e) });
    assembler.push(envelope, { event: 1 });
    assembler.push({ type: 'response.output_item.added', output_index: 0, item: { id: 'fc_1', type: 'function_call', call_id: 'call_1', name: 'f', arguments: '' } });
    assembler.push({ type: 'response.function_call_arguments.delta', output_index: 0, item_id: 'fc_1', delta: deep });
    assembler.push({ type: 'response.output_item.done', output_index: 0, item: { id: 'fc_1', type: 'function_call', status: 'completed', call_id: 'call_1', name: 'f', arguments: deep } });
    const done = seen.find((e) => e.type === 'tool_call.done') as Extract<StreamEvent, { type: 'tool_call.done' }>;
    expect(done.arguments.length).toBe(20_000 * 6 + 1);
    expect(done.arguments.startsWith('{"a":{"a":')).toBe(true);
    const delta = seen.find((e) => e.type === 'tool_call.arguments.delta') as Extract<StreamEvent, { type: 'tool_call.arguments.delta' }>;
    expect(delta.arguments).toBe(done.arguments);
  });
});

describe('sequence_number', () => {
  const base = (n: number | undefined, type = 'response.in_progress') => ({ type, ...(n === undefined ? {} : { sequence_number: n }), response: { id: 'r', object: 'response', output: [] } });
  const terminal = (n: number | undefined) => ({ ...base(n, 'response.completed'), response: { id: 'r', object: 'response', status: 'completed', output: [] } });

  it('gaps, repeats and reordering become diagnostics on the result and diagnostic events; the events still apply in the order received', () => {
    const seen: StreamEvent[] = [];
    const assembler = createResponsesAssembler({ onEvent: (e) => seen.push(e) });
    for (const n of [0, 1, 3, 3, 2, 4]) assembler.push(base(n));
    assembler.push(terminal(5));
    const final = assembler.finish(false, false);
    const kinds = (final as unknown as { diagnostics: Array<{ kind: string; expected: number; received: number }> }).diagnostics.map((d) => [d.kind, d.expected, d.received]);
    expect(kinds).toEqual([
      ['gap', 2, 3],
      ['repeat', 4, 3],
      ['reorder', 4, 2],
    ]);
    expect(seen.filter((e) => e.type === 'diagnostic').map((e) => (e as { kind: string }).kind)).toEqual(['sequence.gap', 'sequence.repeat', 'sequence.reorder']);
    // not part of the Response itself
    expect(Object.keys(final)).not.toContain('diagnostics');
    expect(JSON.stringify(final)).not.toContain('diagnostics');
  });

  it('a real recording with events missing (codex custom tool call) reports its gaps', () => {
    const { final } = run('openai-gpt-5.2-codex-custom-tool-call-input-deltas.sse');
    const diagnostics = (final as unknown as { diagnostics: Array<{ kind: string }> }).diagnostics;
    expect(diagnostics.map((d) => d.kind)).toEqual(['gap', 'gap']);
  });

  it('strict: the first irregularity is a ParseError carrying the partial', () => {
    const { error } = run('openai-gpt-5.2-codex-custom-tool-call-input-deltas.sse', { strict: true });
    expect(error).toBeInstanceOf(ParseError);
    expect(error!.message).toMatch(/sequence_number jumped from 0 to 4/);
    expect(error!.partial).toMatchObject({ object: 'response', output: [] });
  });

  it('events without sequence_number are accepted without diagnostics', () => {
    const { final, error } = run('constructed-no-sequence-empty-terminal-output.sse', { strict: true });
    expect(error).toBeUndefined();
    expect((final as unknown as { diagnostics?: unknown }).diagnostics).toBeUndefined();
  });
});

describe('the terminal response is authoritative; the events fill what it omits', () => {
  const created = { type: 'response.created', response: { id: 'r', object: 'response', status: 'in_progress', output: [] } };
  const item = (i: number, id: string) => ({ type: 'response.output_item.added', output_index: i, item: { id, type: 'function_call', status: 'in_progress', call_id: `call_${i}`, name: 'f', arguments: '' } });
  const args = (i: number, d: string) => ({ type: 'response.function_call_arguments.delta', output_index: i, delta: d });

  it('an empty terminal output is filled from the events (keyed by output_index, whatever the ids)', () => {
    const assembler = createResponsesAssembler();
    for (const e of [created, item(0, 'fc_a'), args(0, '{"a":'), item(1, 'fc_b'), args(1, '{}'), args(0, '1}')]) assembler.push(e);
    assembler.push({ type: 'response.completed', response: { id: 'r', object: 'response', status: 'completed', usage: { input_tokens: 1, output_tokens: 2, total_tokens: 3 } } });
    expect(assembler.finish(false, false)).toEqual({
      id: 'r',
      object: 'response',
      status: 'completed',
      usage: { input_tokens: 1, output_tokens: 2, total_tokens: 3 },
      output: [
        { id: 'fc_a', type: 'function_call', status: 'in_progress', call_id: 'call_0', name: 'f', arguments: '{"a":1}' },
        { id: 'fc_b', type: 'function_call', status: 'in_progress', call_id: 'call_1', name: 'f', arguments: '{}' },
      ],
    });
  });

  it('an abbreviated terminal output keeps its items and gets the missing ones; its values win', () => {
    const assembler = createResponsesAssembler();
    for (const e of [created, item(0, 'fc_a'), args(0, '{}'), item(1, 'fc_b'), args(1, '{}')]) assembler.push(e);
    const final = { id: 'fc_a', type: 'function_call', status: 'completed', call_id: 'call_0', name: 'f', arguments: '{}' };
    assembler.push({ type: 'response.completed', response: { id: 'r', object: 'response', status: 'completed', output: [final] } });
    const out = assembler.finish(false, false).output;
    expect(out).toEqual([final, { id: 'fc_b', type: 'function_call', status: 'in_progress', call_id: 'call_1', name: 'f', arguments: '{}' }]);
  });
});

describe('unknown item types and events are kept, never an error', () => {
  it('an unknown item keeps its added/done payloads; its <type>_<field>.delta events fill <field>; unknown events are kept', () => {
    const assembler = createResponsesAssembler();
    const events = [
      { type: 'response.created', response: { id: 'r', object: 'response', output: [] } },
      { type: 'response.output_item.added', output_index: 0, item: { id: 'x_1', type: 'hologram_call', status: 'in_progress', script: '' } },
      { type: 'response.hologram_call.projecting', output_index: 0, item_id: 'x_1' },
      { type: 'response.hologram_call_script.delta', output_index: 0, item_id: 'x_1', delta: 'rotate(' },
      { type: 'response.hologram_call_script.delta', output_index: 0, item_id: 'x_1', delta: '90)' },
      { type: 'response.hologram_call.in_progress', output_index: 0, item_id: 'x_1' },
      { type: 'response.telemetry', anything: [1, 2] },
    ];
    for (const e of events) assembler.push(e);
    expect(assembler.snapshot().output).toEqual([{ id: 'x_1', type: 'hologram_call', status: 'in_progress', script: 'rotate(90)' }]);
    expect(assembler.unknownEvents.map((e) => e.type)).toEqual(['response.hologram_call.projecting', 'response.telemetry']);
    const done = { id: 'x_1', type: 'hologram_call', status: 'completed', script: 'rotate(90)', frames: 3 };
    assembler.push({ type: 'response.output_item.done', output_index: 0, item: done });
    expect(() => assembler.finish(false, false)).toThrow(TruncatedStreamError);
    expect(assembler.finish(false, true).output).toEqual([done]);
  });
});
