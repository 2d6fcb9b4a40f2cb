import { describe, expect, it } from 'vitest';
import { ParseError, ProviderError, TruncatedStreamError } from '../../../src/errors.js';
import { createOllamaAssembler } from '../../../src/providers/ollama/assembler.js';
import { ollamaProvider } from '../../../src/providers/ollama/spec.js';
import type { OllamaChatResponse, OllamaGenerateResponse } from '../../../src/providers/ollama/types.js';
import { assembleNdjson, ndjsonBody, OLLAMA_WIRE, PARIS_FINAL, referenceBody } from '../../helpers/ndjson-payloads.js';

const METRICS = ['total_duration', 'load_duration', 'prompt_eval_count', 'prompt_eval_duration', 'eval_count', 'eval_duration'];

function assemble(body: string | Uint8Array, lenient = false) {
  return assembleNdjson(createOllamaAssembler(), body, { lenient });
}

function chat(body: string | Uint8Array): OllamaChatResponse {
  const { final, error } = assemble(body);
  if (error) throw error;
  return final as OllamaChatResponse;
}

function generate(body: string | Uint8Array): OllamaGenerateResponse {
  const { final, error } = assemble(body);
  if (error) throw error;
  return final as OllamaGenerateResponse;
}

/** The lines of a recording, parsed: what a test uses to work out the expected object by hand. */
function linesOf(bytes: Uint8Array): Array<Record<string, any>> {
  return new TextDecoder().decode(bytes).split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

describe('the real recordings', () => {
  it('assembles the gemma3 /api/chat recording into the object Ollama returns for stream: false', () => {
    const bytes = referenceBody('ollama-chat-gemma3-plain.ndjson');
    const lines = linesOf(bytes);
    const last = lines[lines.length - 1]!;
    const final = chat(bytes);
    expect(final).toEqual({
      model: 'gemma3:1b',
      created_at: last.created_at,
      message: { role: 'assistant', content: lines.map((l) => l.message.content).join('') },
      done_reason: 'stop',
      done: true,
      total_duration: 572052292,
      load_duration: 34791000,
      prompt_eval_count: 23,
      prompt_eval_duration: 18138958,
      eval_count: 102,
      eval_duration: 518871583,
    });
    expect(final.message.content).toContain('\n\n1. **Understand the Basics:**');
    expect(Object.keys(final)).toEqual(['model', 'created_at', 'message', 'done_reason', 'done', ...METRICS]);
  });

  it('assembles the dolphin3 /api/generate recording with the context of its final line', () => {
    const bytes = referenceBody('ollama-generate-dolphin3-context.ndjson');
    const lines = linesOf(bytes);
    const last = lines[lines.length - 1]!;
    const final = generate(bytes);
    expect(final.response).toBe('A rabbit is a small mammal with long ears and a fluffy white tail. They are known for their fast movement and agility in the wild. Rabbits have a high reproductive rate and are often seen in gardens or wild areas.');
    expect(final.context).toEqual(last.context);
    expect(final).toMatchObject({ model: 'dolphin3:8b', created_at: '2025-07-27T14:17:52.5400738Z', done: true, done_reason: 'stop', eval_count: 47, prompt_eval_count: 31 });
    expect(final.thinking).toBeUndefined();
    expect(Object.keys(final)).toEqual(['model', 'created_at', 'response', 'done', 'done_reason', 'context', ...METRICS]);
  });

  it('turns the HTTP 400 error body into the ProviderError, with no partial since nothing arrived', () => {
    const { error } = assemble(referenceBody('ollama-chat-http400-error-body.ndjson'));
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).providerMessage).toBe('registry.ollama.ai/library/gemma3:1b does not support tools');
    expect(error!.line).toBe(1);
    expect(error!.partial).toBeUndefined();
  });

  it('throws the same ProviderError when the error payload is pushed directly', () => {
    const assembler = createOllamaAssembler();
    const error = captured(() => assembler.push({ error: 'model "nope" not found, try pulling it first' }, { line: 1 }));
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).providerMessage).toBe('model "nope" not found, try pulling it first');
    expect(assembler.complete).toBe(false);
  });
});

describe('/api/chat', () => {
  it('collects a tool call sent on a done: false line, giving the seed’s Paris object key for key', () => {
    const final = chat(OLLAMA_WIRE.toolCallOnDoneFalseLine);
    expect(final).toEqual(PARIS_FINAL);
    expect(JSON.stringify(final)).toBe(JSON.stringify(PARIS_FINAL));
  });

  it('collects tool calls sent on the final line, keeping id and function.index', () => {
    const final = chat(OLLAMA_WIRE.toolCallsOnFinalLine);
    expect(final.message.content).toBe('Checking both…');
    expect(final.message.tool_calls).toEqual([
      { id: 'call_1', function: { index: 0, name: 'get_current_weather', arguments: { location: 'Zürich, CH', format: 'celsius' } } },
      { id: 'call_2', function: { index: 1, name: 'get_time', arguments: {} } },
    ]);
    expect(Object.keys(final)).toEqual(['model', 'created_at', 'message', 'done', 'done_reason', ...METRICS]);
  });

  it('collects tool calls from several lines in arrival order', () => {
    const call = (name: string) => ({ function: { name, arguments: { n: name } } });
    const final = chat(
      ndjsonBody(
        { model: 'm', created_at: 't1', message: { role: 'assistant', content: '', tool_calls: [call('a'), call('b')] }, done: false },
        { model: 'm', created_at: 't2', message: { role: 'assistant', content: '', tool_calls: [call('c')] }, done: false },
        { model: 'm', created_at: 't3', message: { role: 'assistant', content: '', tool_calls: [call('d')] }, done: true, done_reason: 'stop' },
      ),
    );
    expect(final.message.tool_calls!.map((c) => c.function.name)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('concatenates thinking, and leaves it out when the model did not think', () => {
    const final = chat(OLLAMA_WIRE.chatThinking);
    expect(final.message).toEqual({ role: 'assistant', content: '56', thinking: 'Seven times eight.' });
    expect(Object.keys(final.message)).toEqual(['role', 'content', 'thinking']);
    expect('thinking' in chat(OLLAMA_WIRE.toolCallsOnFinalLine).message).toBe(false);
  });

  it('gives content "" when no line had any, and role assistant when no line said', () => {
    const final = chat(ndjsonBody({ model: 'm', created_at: 't', message: {}, done: false }, { model: 'm', created_at: 't2', done: true, done_reason: 'load' }));
    expect(final.message).toEqual({ role: 'assistant', content: '' });
    expect(final.done_reason).toBe('load');
  });

  it('appends the logprobs of every line in order, after done_reason', () => {
    const final = chat(OLLAMA_WIRE.chatLogprobs);
    expect(final.logprobs).toEqual([
      { token: 'Hi', logprob: -0.0005, bytes: [72, 105], top_logprobs: [{ token: 'Hi', logprob: -0.0005, bytes: [72, 105] }, { token: 'Hey', logprob: -9.5, bytes: [72, 101, 121] }] },
      { token: ' 😊', logprob: -0.08 },
    ]);
    expect(Object.keys(final)).toEqual(['model', 'created_at', 'message', 'done', 'done_reason', 'logprobs', ...METRICS]);
    expect('logprobs' in chat(OLLAMA_WIRE.chatThinking)).toBe(false);
  });

  it('keeps message.images when the server sends them', () => {
    const final = chat(ndjsonBody({ model: 'm', created_at: 't', message: { role: 'assistant', content: 'x', images: ['aGk='] }, done: true }));
    expect(final.message.images).toEqual(['aGk=']);
  });

  it('keeps unknown fields with their last non-null value, top-level and in message, after the known ones', () => {
    const final = chat(OLLAMA_WIRE.chatUnknownFields);
    expect(final).toEqual({
      model: 'qwen3',
      created_at: '2025-11-21T08:00:00.02Z',
      message: { role: 'assistant', content: 'ab', tool_name: 'first', extra: { n: 2 } },
      done: true,
      done_reason: 'stop',
      remote_model: 'gpt-oss:120b',
      x_trace: 'abc',
      thinking: 'top-level thinking is not a chat field',
      x_late: [1],
    });
    expect(Object.keys(final)).toEqual(['model', 'created_at', 'message', 'done', 'done_reason', 'remote_model', 'x_trace', 'thinking', 'x_late']);
  });

  it('keeps a field that only ever came as null', () => {
    const final = chat(ndjsonBody({ model: 'm', created_at: 't', message: { role: 'assistant', content: 'x', hint: null }, done: true, note: null }));
    expect((final as { note?: unknown }).note).toBeNull();
    expect(final.message.hint).toBeNull();
  });

  it('keeps a field named __proto__ as a plain field', () => {
    const final = chat('{"model":"m","created_at":"t","message":{"role":"assistant","content":"x"},"done":true,"__proto__":{"polluted":true}}\n');
    expect(Object.getPrototypeOf(final)).toBe(Object.prototype);
    expect(Object.keys(final)).toContain('__proto__');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('/api/generate', () => {
  it('concatenates response and thinking and keeps the context of the final line', () => {
    const final = generate(OLLAMA_WIRE.generateThinking);
    expect(final).toEqual({
      model: 'deepseek-r1',
      created_at: '2025-11-18T13:27:10.62Z',
      response: 'cafés',
      thinking: 'Plural of café?',
      done: true,
      done_reason: 'stop',
      context: [1, 2, 3],
      total_duration: 885095291,
      load_duration: 3753500,
      prompt_eval_count: 122,
      prompt_eval_duration: 328493000,
      eval_count: 33,
      eval_duration: 552222000,
    });
    expect(Object.keys(final).slice(0, 7)).toEqual(['model', 'created_at', 'response', 'thinking', 'done', 'done_reason', 'context']);
  });

  it('collects the top-level tool_calls and logprobs that newer servers put on /api/generate lines', () => {
    const final = generate(
      ndjsonBody(
        { model: 'm', created_at: 't1', response: 'x', done: false, logprobs: [{ token: 'x', logprob: -1 }] },
        { model: 'm', created_at: 't2', response: '', done: true, done_reason: 'stop', tool_calls: [{ function: { name: 'f', arguments: { a: 1 } } }] },
      ),
    );
    expect(final.tool_calls).toEqual([{ function: { name: 'f', arguments: { a: 1 } } }]);
    expect(final.logprobs).toEqual([{ token: 'x', logprob: -1 }]);
    expect(Object.keys(final)).toEqual(['model', 'created_at', 'response', 'done', 'done_reason', 'tool_calls', 'logprobs']);
  });

  it('takes thinking from lines that come before the first response line', () => {
    const final = generate(
      ndjsonBody(
        { model: 'm', created_at: 't0', thinking: 'Hmm', done: false },
        { model: 'm', created_at: 't1', response: 'Yes', thinking: '.', done: false },
        { model: 'm', created_at: 't2', response: '', done: true, done_reason: 'stop' },
      ),
    );
    expect(final).toEqual({ model: 'm', created_at: 't2', response: 'Yes', thinking: 'Hmm.', done: true, done_reason: 'stop' });
  });
});

describe('endings and failures', () => {
  it('throws the ProviderError of an error line mid-stream, carrying the partial response', () => {
    const { error } = assemble(OLLAMA_WIRE.chatErrorMidStream);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).providerMessage).toBe('an error was encountered while running the model: unexpected EOF');
    expect(error!.line).toBe(3);
    expect(error!.partial).toEqual({ model: 'qwen3', created_at: '2025-11-19T10:48:31.63Z', message: { role: 'assistant', content: 'Voici une recette' }, done: false });
  });

  it('attaches the partial itself when the error payload is pushed straight into the assembler', () => {
    const assembler = createOllamaAssembler();
    assembler.push({ model: 'm', created_at: 't', message: { role: 'assistant', content: 'Hel' }, done: false });
    const error = captured(() => assembler.push({ error: 'boom' }, { line: 2 }));
    expect((error as ProviderError).partial).toMatchObject({ message: { content: 'Hel' }, done: false });
  });

  it('fails with a TruncatedStreamError carrying the partial when no done: true line came', () => {
    const { error } = assemble(OLLAMA_WIRE.chatTruncated);
    expect(error).toBeInstanceOf(TruncatedStreamError);
    expect(error!.code).toBe('truncated');
    expect(error!.message).toContain('after 2 lines');
    expect(error!.partial).toEqual({ model: 'qwen3', created_at: '2025-11-20T18:22:50.11Z', message: { role: 'assistant', content: 'Kyoto' }, done: false });
  });

  it('returns the partial response of a cut stream when lenient', () => {
    const { final } = assemble(OLLAMA_WIRE.chatTruncated, true);
    expect(final).toEqual({ model: 'qwen3', created_at: '2025-11-20T18:22:50.11Z', message: { role: 'assistant', content: 'Kyoto' }, done: false });
  });

  it('treats an empty body as truncated, with nothing partial', () => {
    const { error } = assemble('');
    expect(error).toBeInstanceOf(TruncatedStreamError);
    expect(error!.partial).toBeUndefined();
  });

  it('ignores terminated: NDJSON has no end marker, only done: true ends a response', () => {
    const assembler = createOllamaAssembler();
    assembler.push({ model: 'm', created_at: 't', message: { role: 'assistant', content: 'a' }, done: false });
    expect(() => assembler.finish(true, false)).toThrow(TruncatedStreamError);
    assembler.push({ model: 'm', created_at: 't', message: { role: 'assistant', content: '' }, done: true });
    expect(assembler.complete).toBe(true);
    expect(assembler.finish(false, false).done).toBe(true);
  });
});

describe('checking lines', () => {
  const ok = { model: 'm', created_at: 't', message: { role: 'assistant', content: 'Hi' }, done: false };
  const cases: Array<[string, unknown, string]> = [
    ['a line that is not an object', [1, 2], 'An Ollama line must be a JSON object, got an array'],
    ['a line without done', { model: 'm', message: { content: 'x' } }, 'done must be a boolean, got nothing'],
    ['done that is not a boolean', { ...ok, done: 'false' }, 'done must be a boolean, got a string ("false")'],
    ['message that is not an object', { ...ok, message: 'Hi' }, 'message must be an object, got a string ("Hi")'],
    ['content that is not a string', { ...ok, message: { role: 'assistant', content: 3 } }, 'message.content must be a string, got a number (3)'],
    ['thinking that is not a string', { ...ok, message: { content: '', thinking: ['a'] } }, 'message.thinking must be a string, got an array'],
    ['model that is not a string', { ...ok, model: 7 }, 'model must be a string, got a number (7)'],
    ['response that is not a string', { model: 'm', response: {}, done: false }, 'response must be a string, got an object'],
    ['tool_calls that is not an array', { ...ok, message: { content: '', tool_calls: {} } }, 'message.tool_calls must be an array, got an object'],
    ['a tool call without a name', { ...ok, message: { content: '', tool_calls: [{ function: { arguments: {} } }] } }, 'message.tool_calls[0].function.name must be a string, got nothing'],
    ['tool-call arguments as a string', { ...ok, message: { content: '', tool_calls: [{ function: { name: 'f', arguments: '{}' } }] } }, 'message.tool_calls[0].function.arguments must be an object, got a string ("{}")'],
    ['a logprob entry without a number', { ...ok, logprobs: [{ token: 'a', logprob: 'x' }] }, 'logprobs[0].logprob must be a number, got a string ("x")'],
    ['a metric that is not a number', { ...ok, done: true, eval_count: '12' }, 'eval_count must be a number, got a string ("12")'],
    ['context that is not an array', { model: 'm', response: '', done: true, context: 'abc' }, 'context must be an array, got a string ("abc")'],
  ];

  for (const [what, payload, message] of cases) {
    it(`rejects ${what} with a ParseError naming the field and the line, and keeps the state`, () => {
      const assembler = createOllamaAssembler();
      assembler.push(ok, { line: 1 });
      const before = JSON.stringify(assembler.snapshot());
      const error = captured(() => assembler.push(payload, { line: 2 }));
      expect(error).toBeInstanceOf(ParseError);
      expect(error!.message).toBe(`${message} (at line 2)`);
      expect(error!.line).toBe(2);
      expect(error!.partial).toEqual(JSON.parse(before));
      expect(JSON.stringify(assembler.snapshot())).toBe(before);
      assembler.push({ ...ok, message: { content: '!' }, done: true }, { line: 3 });
      expect((assembler.finish(false, false) as OllamaChatResponse).message.content).toBe('Hi!');
    });
  }

  it('accepts null as "not sent" for every optional field', () => {
    const final = chat(ndjsonBody({ model: null, created_at: null, message: { role: null, content: null, thinking: null, images: null, tool_calls: null }, done: true, done_reason: null, logprobs: null, eval_count: null }));
    expect(final).toEqual({ message: { role: 'assistant', content: '' }, done: true });
  });

  it('rejects a line that mixes /api/chat and /api/generate fields', () => {
    const error = captured(() => createOllamaAssembler().push({ message: { content: 'a' }, response: 'b', done: false }, { line: 1 }));
    expect(error!.message).toBe('An Ollama line has both `message` (/api/chat) and `response` (/api/generate) (at line 1)');
  });

  it('rejects a /api/generate line in a /api/chat stream', () => {
    const assembler = createOllamaAssembler();
    assembler.push({ message: { content: 'a' }, done: false });
    const error = captured(() => assembler.push({ response: 'b', done: false }, { line: 2 }));
    expect(error).toBeInstanceOf(ParseError);
    expect(error!.message).toContain('/api/chat stream has a line with `response`');
  });

  it('rejects a line after the final done: true line', () => {
    const assembler = createOllamaAssembler();
    assembler.push({ message: { content: 'a' }, done: true });
    const error = captured(() => assembler.push({ message: { content: 'b' }, done: false }, { line: 2 }));
    expect(error).toBeInstanceOf(ParseError);
    expect(error!.message).toContain('after the final `done: true` line');
    expect((assembler.finish(false, false) as OllamaChatResponse).message.content).toBe('a');
  });

  it('rejects an OpenAI chunk, which has no done field', () => {
    const error = captured(() => createOllamaAssembler().push({ id: 'c', object: 'chat.completion.chunk', choices: [] }));
    expect(error!.message).toBe('done must be a boolean, got nothing');
  });
});

describe('snapshots', () => {
  it('are fresh final-shaped objects that later lines never change', () => {
    const assembler = createOllamaAssembler();
    const payloads = [
      { model: 'm', created_at: 't1', message: { role: 'assistant', content: 'a', tool_calls: [{ function: { name: 'f', arguments: { x: 1 } } }] }, done: false, logprobs: [{ token: 'a', logprob: -1 }] },
      { model: 'm', created_at: 't2', message: { role: 'assistant', content: 'b', tool_calls: [{ function: { name: 'g', arguments: {} } }] }, done: false, logprobs: [{ token: 'b', logprob: -2 }] },
      { model: 'm', created_at: 't3', message: { role: 'assistant', content: '' }, done: true, done_reason: 'stop', eval_count: 2 },
    ];
    assembler.push(payloads[0]);
    const first = assembler.snapshot() as OllamaChatResponse;
    const again = assembler.snapshot();
    expect(again).not.toBe(first);
    expect((again as OllamaChatResponse).message).not.toBe(first.message);
    assembler.push(payloads[1]);
    assembler.push(payloads[2]);
    expect(first).toEqual({
      model: 'm',
      created_at: 't1',
      message: { role: 'assistant', content: 'a', tool_calls: [{ function: { name: 'f', arguments: { x: 1 } } }] },
      done: false,
      logprobs: [{ token: 'a', logprob: -1 }],
    });
    const last = assembler.snapshot() as OllamaChatResponse;
    expect(last).toEqual(assembler.finish(false, false));
    expect(last.message.tool_calls).toHaveLength(2);
    expect(last.logprobs).toHaveLength(2);
  });

  it('serialise like plain objects (the shared lists are cut on first read)', () => {
    const assembler = createOllamaAssembler();
    assembler.push({ model: 'm', created_at: 't', message: { role: 'assistant', content: 'a' }, done: false, logprobs: [{ token: 'a', logprob: -1 }] });
    const snapshot = assembler.snapshot();
    assembler.push({ model: 'm', created_at: 't', message: { role: 'assistant', content: '' }, done: true, logprobs: [{ token: '', logprob: 0 }] });
    expect(JSON.parse(JSON.stringify(snapshot)).logprobs).toEqual([{ token: 'a', logprob: -1 }]);
    expect(structuredClone(snapshot)).toEqual(snapshot);
  });

  it('the final object holds plain arrays', () => {
    const final = chat(OLLAMA_WIRE.toolCallsOnFinalLine);
    expect(Object.getOwnPropertyDescriptor(final.message, 'tool_calls')!.value).toBeInstanceOf(Array);
  });
});

describe('ollamaProvider', () => {
  it('is the NDJSON provider named ollama, built on createOllamaAssembler', () => {
    expect(ollamaProvider.name).toBe('ollama');
    expect(ollamaProvider.transport).toBe('ndjson');
    const assembler = ollamaProvider.createAssembler();
    assembler.push({ message: { role: 'assistant', content: 'x' }, done: true });
    expect(assembler.finish(false, false)).toEqual({ message: { role: 'assistant', content: 'x' }, done: true });
  });
});

function captured(f: () => unknown): (Error & { line?: number; partial?: unknown }) | undefined {
  try {
    f();
  } catch (error) {
    return error as Error;
  }
  return undefined;
}
