// A body that is the answer of a `stream: false` request (one JSON object, maybe pretty-printed)
// is accepted as the final object; every stream still goes through the stream pipeline.
import { lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/errors.js';
import { assemble } from '../../src/operators/assemble.js';
import { createPipeline } from '../../src/pipeline/pipeline.js';
import { streamEvents } from '../../src/operators/run-pipeline.js';

const chatCompletion = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o-mini-2024-07-18',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hi!', refusal: null }, logprobs: null, finish_reason: 'stop' }],
  usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 },
  system_fingerprint: 'fp_1',
};
const ollamaChat = { model: 'llama3.2', created_at: '2025-01-01T00:00:00Z', message: { role: 'assistant', content: 'Hello' }, done_reason: 'stop', done: true, eval_count: 2 };
const ollamaGenerate = { model: 'llama3.2', created_at: '2025-01-01T00:00:00Z', response: 'Hello', done: true, done_reason: 'stop', context: [1, 2] };

const bytes = (text: string) => new TextEncoder().encode(text);
const oneByteAtATime = (text: string) => [...bytes(text)].map((b) => new Uint8Array([b]));

describe('a non-streamed JSON body', () => {
  it.each([
    ['a chat.completion on one line', JSON.stringify(chatCompletion), chatCompletion],
    ['a chat.completion pretty-printed, with a BOM and a final newline', `\uFEFF${JSON.stringify(chatCompletion, null, 2)}\n`, chatCompletion],
    ['an Ollama /api/chat object pretty-printed', JSON.stringify(ollamaChat, null, 2), ollamaChat],
    ['an Ollama /api/generate object pretty-printed', JSON.stringify(ollamaGenerate, null, 2), ollamaGenerate],
    ['an Ollama object on one line', `${JSON.stringify(ollamaChat)}\n`, ollamaChat],
  ])('%s is the final object, whole or one byte at a time', async (_, text, expected) => {
    expect(await assemble(text)).toEqual(expected);
    expect(await assemble(oneByteAtATime(text))).toEqual(expected);
  });

  it('types as the named provider and ends with one done event', async () => {
    const completion = await assemble(JSON.stringify(chatCompletion), { provider: 'openai' });
    expect(completion.choices[0]!.message.content).toBe('Hi!');
    const events = await lastValueFrom(streamEvents(JSON.stringify(chatCompletion, null, 2)).pipe(toArray()));
    expect(events.map((e) => e.type)).toEqual(['done']);
    expect(events[0]).toMatchObject({ type: 'done', response: chatCompletion });
  });

  it('of another provider than the one named is not taken for its final object', async () => {
    await expect(assemble(JSON.stringify(chatCompletion, null, 2), { provider: 'ollama' })).rejects.toMatchObject({ code: 'parse' });
    await expect(assemble(JSON.stringify(ollamaChat, null, 2), { provider: 'groq' })).rejects.toBeInstanceOf(Error);
  });

  it('that is an error answer, pretty-printed, is the provider error it says', async () => {
    const error = await assemble('{\n  "error": "model \\"nope\\" not found, try pulling it first"\n}\n').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).providerMessage).toBe('model "nope" not found, try pulling it first');
  });

  it('that is neither a final object nor an error keeps the stream pipeline\'s error', async () => {
    const error = await assemble('{\n  "hello": 1\n}\n').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'parse', line: 1 });
  });
});

describe('an NDJSON stream', () => {
  it('is not held back: the first line is assembled as soon as its newline arrives', () => {
    const types: string[] = [];
    const pipeline = createPipeline({}, { event: (e) => types.push(e.type), final: () => types.push('final'), error: (e) => types.push(`error ${e.message}`) });
    pipeline.feed(bytes(`${JSON.stringify({ model: 'm', created_at: 't', message: { role: 'assistant', content: 'He' }, done: false })}`));
    expect(types).toEqual([]);
    pipeline.feed(bytes('\n'));
    expect(types).toContain('content.delta');
    pipeline.feed(bytes(`${JSON.stringify({ model: 'm', created_at: 't', message: { role: 'assistant', content: 'llo' }, done: true, done_reason: 'stop' })}\n`));
    expect(types.slice(-2)).toEqual(['done', 'final']);
    expect(pipeline.snapshot()).toMatchObject({ message: { content: 'Hello' } });
  });
});
