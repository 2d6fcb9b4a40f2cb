import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { streamText } from 'ai';
import { Ollama } from 'ollama';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { recordingFetch } from '../../src/testing-node.js';

const RECORDINGS = fileURLToPath(new URL('../../recordings', import.meta.url));
const expected = (name: string) => JSON.parse(readFileSync(`${RECORDINGS}/${name}.expected.json`, 'utf8'));
const messages = [{ role: 'user' as const, content: 'Hi' }];

/** An OpenAI client whose requests are answered from the recording of that name in recordings/. */
function openAiOn(name: string) {
  const fetch = recordingFetch({ dir: RECORDINGS, name, timing: 'instant' });
  return { fetch, openai: new OpenAI({ apiKey: 'test', baseURL: 'https://api.openai.com/v1', fetch, maxRetries: 0 }) };
}

describe('openai-node against recordingFetch', () => {
  it('streams chat.completions.create({ stream: true }) chunk for chunk', async () => {
    const { openai, fetch } = openAiOn('openai-text');
    const stream = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
    let content = '';
    const finishes: unknown[] = [];
    for await (const chunk of stream) {
      content += chunk.choices[0]?.delta.content ?? '';
      if (chunk.choices[0]?.finish_reason) finishes.push(chunk.choices[0].finish_reason);
    }
    expect(content).toBe(expected('openai-text').choices[0].message.content);
    expect(finishes).toEqual(['stop']);
    expect(fetch.calls).toEqual([{ method: 'POST', url: 'https://api.openai.com/v1/chat/completions', model: 'gpt-4o-mini', name: 'openai-text', action: 'replayed' }]);
  });

  it('gives chat.completions.stream() the final completion', async () => {
    const { openai } = openAiOn('openai-parallel-tool-calls');
    const completion = await openai.chat.completions.stream({ model: 'gpt-4o', messages }).finalChatCompletion();
    const want = expected('openai-parallel-tool-calls');
    expect(completion.id).toBe(want.id);
    expect(completion.choices[0]!.finish_reason).toBe('tool_calls');
    expect(completion.choices[0]!.message.tool_calls).toEqual(want.choices[0].message.tool_calls);
  });

  it('chooses by model from the folder when no name is given', async () => {
    const fetch = recordingFetch({ dir: RECORDINGS, timing: 'instant' });
    const openai = new OpenAI({ apiKey: 'test', baseURL: 'https://api.deepseek.com', fetch, maxRetries: 0 });
    const completion = await openai.chat.completions.stream({ model: 'deepseek-reasoner', messages }).finalChatCompletion();
    expect(completion.choices[0]!.message.content).toBe(expected('compat-reasoning-content').choices[0].message.content);
    expect(fetch.calls[0]!.name).toBe('compat-reasoning-content');
  });

  it('sees a recording that ends mid-stream end mid-stream: the chunks so far, then the SDK’s own truncation error', async () => {
    const partial = expected('openai-truncated').partial.choices[0].message.content;
    const { openai } = openAiOn('openai-truncated');
    let content = '';
    for await (const chunk of await openai.chat.completions.create({ model: 'gpt-4.1-nano', messages, stream: true })) content += chunk.choices[0]?.delta.content ?? '';
    expect(content).toBe(partial);

    const { openai: again } = openAiOn('openai-truncated');
    const runner = again.chat.completions.stream({ model: 'gpt-4.1-nano', messages });
    let snapshot = '';
    runner.on('content', (_delta, current) => (snapshot = current));
    await expect(runner.finalChatCompletion()).rejects.toThrow(/missing finish_reason/);
    expect(snapshot).toBe(partial);
  });

  it('surfaces a missing recording as the UsageError behind the SDK’s connection error', async () => {
    const openai = new OpenAI({ apiKey: 'test', fetch: recordingFetch({ recordings: [] }), maxRetries: 0 });
    const error = await openai.chat.completions.create({ model: 'gpt-4o', messages, stream: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIConnectionError);
    expect((error as Error).cause).toMatchObject({ code: 'usage', message: expect.stringContaining('no recording for POST https://api.openai.com/v1/chat/completions (model "gpt-4o", stream)') });
  });
});

describe('ollama-js against recordingFetch', () => {
  it('streams chat({ stream: true }) part for part', async () => {
    const ollama = new Ollama({ host: 'http://127.0.0.1:11434', fetch: recordingFetch({ dir: RECORDINGS, timing: 'instant' }) });
    let content = '';
    let last: { done?: boolean; done_reason?: string; eval_count?: number } = {};
    for await (const part of await ollama.chat({ model: 'llama3.2', messages, stream: true })) {
      content += part.message.content;
      last = part;
    }
    const want = expected('ollama-chat-text');
    expect(content).toBe(want.message.content);
    expect(last).toMatchObject({ done: true, done_reason: 'stop', eval_count: want.eval_count });
  });

  it('streams generate({ stream: true }) from the /api/generate recording of that model', async () => {
    const ollama = new Ollama({ host: 'http://127.0.0.1:11434', fetch: recordingFetch({ dir: RECORDINGS, timing: 'instant' }) });
    let response = '';
    for await (const part of await ollama.generate({ model: 'llama3.2', prompt: 'Hi', stream: true })) response += part.response;
    expect(response).toBe(expected('ollama-generate').response);
  });
});

describe('the AI SDK against recordingFetch', () => {
  it('streams streamText with createOpenAICompatible({ fetch })', async () => {
    const fetch = recordingFetch({ dir: RECORDINGS, name: 'openai-text', timing: 'instant' });
    const provider = createOpenAICompatible({ name: 'recorded', baseURL: 'https://api.openai.com/v1', fetch });
    const result = streamText({ model: provider('gpt-4o-mini'), prompt: 'Hi', maxRetries: 0 });
    const deltas: string[] = [];
    for await (const delta of result.textStream) deltas.push(delta);
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe(expected('openai-text').choices[0].message.content);
    expect(await result.finishReason).toBe('stop');
    expect(fetch.calls).toMatchObject([{ url: 'https://api.openai.com/v1/chat/completions', model: 'gpt-4o-mini', action: 'replayed' }]);
  });
});
