import { readFileSync } from 'node:fs';
import { Ollama } from 'ollama';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assemble } from '../../src/index.js';
import { createReplayServer, type ReplayServer } from '../../src/node.js';
import { RECORDINGS, recordingCases } from '../cli/run-cli.js';

const cases = recordingCases().filter((c) => !c.fails);
// The OpenAI SDK JSON-parses every `data:` line, so it throws on the empty data of `event: ping` keep-alives.
const sseCases = cases.filter((c) => c.body.endsWith('.sse') && !/^data: ?\r?$/m.test(readFileSync(c.body, 'utf8')));
// The SDK's own accumulator gets server quirks wrong (that is what chunkwise is for): compare with it on plain OpenAI streams.
const SDK_ACCUMULATES = ['openai-text', 'openai-text-usage', 'openai-parallel-tool-calls', 'openai-refusal', 'openai-logprobs', 'groq-tool-call-whole'];
const sdkStreamCases = sseCases.filter((c) => SDK_ACCUMULATES.includes(c.name));
const chatCases = cases.filter((c) => c.body.endsWith('.ndjson') && 'message' in c.expected);
const generateCases = cases.filter((c) => c.body.endsWith('.ndjson') && 'response' in c.expected);
const messages = [{ role: 'user' as const, content: 'Hi' }];

let server: ReplayServer;
let openai: OpenAI;
let ollama: Ollama;

beforeAll(async () => {
  server = await createReplayServer({ dir: RECORDINGS, instant: true });
  openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'x', maxRetries: 0 });
  ollama = new Ollama({ host: server.url });
});
afterAll(() => server?.close());

const named = (name: string) => ({ headers: { 'x-chunkwise-recording': name } });

/** What the SDK yielded, back on the wire as SSE, assembled by chunkwise. */
async function assembleOpenAiChunks(stream: AsyncIterable<unknown>) {
  let body = '';
  for await (const chunk of stream) body += `data: ${JSON.stringify(chunk)}\n\n`;
  return assemble(`${body}data: [DONE]\n\n`);
}

async function assembleOllamaParts(stream: AsyncIterable<unknown>) {
  let body = '';
  for await (const part of stream) body += `${JSON.stringify(part)}\n`;
  return assemble(body, { provider: 'ollama' });
}

/** The fields of a ChatCompletion that the SDK's own accumulator and chunkwise both give. */
function essentials(completion: any) {
  return {
    id: completion.id,
    model: completion.model,
    created: completion.created,
    usage: completion.usage ?? null,
    choices: completion.choices.map((c: any) => ({
      index: c.index,
      finish_reason: c.finish_reason,
      content: c.message.content ?? null,
      refusal: c.message.refusal ?? null,
      tool_calls: (c.message.tool_calls ?? []).map((t: any) => ({ id: t.id, name: t.function.name, arguments: t.function.arguments })),
    })),
  };
}

describe('the replay server answers the OpenAI SDK', () => {
  it('has recordings of each kind to serve', () => {
    expect([sseCases.length, chatCases.length, generateCases.length].every((n) => n > 0)).toBe(true);
    expect(sdkStreamCases.length).toBeGreaterThanOrEqual(3);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it.for(sseCases)('streams $name to chat.completions.create({ stream: true }) chunk for chunk', async (c) => {
    const stream = await openai.chat.completions.create({ model: 'any', messages, stream: true }, named(c.name));
    expect(await assembleOpenAiChunks(stream)).toEqual(c.expected);
  });

  it.for(sdkStreamCases)('gives chat.completions.stream() the same final completion for $name', async (c) => {
    const stream = openai.chat.completions.stream({ model: 'any', messages }, named(c.name));
    const completion = await stream.finalChatCompletion();
    // Groq may send usage only inside x_groq, which the SDK does not read.
    const skipUsage = c.expected.x_groq?.usage !== undefined;
    expect(essentials(skipUsage ? { ...completion, usage: null } : completion)).toEqual(essentials(skipUsage ? { ...c.expected, usage: null } : c.expected));
  });

  it('answers stream: false with the final object', async () => {
    const c = sseCases[0]!;
    const completion = await openai.chat.completions.create({ model: 'any', messages }, named(c.name));
    expect(completion).toEqual(c.expected);
  });

  it('chooses the recording by the request model when no header names one', async () => {
    const listed = (await (await fetch(`${server.url}/recordings`)).json()) as { recordings: Array<{ name: string; models: string[]; complete: boolean; endpoints: string[] }> };
    const chat = listed.recordings.filter((r) => r.endpoints.includes('/v1/chat/completions'));
    // A model that exactly one recording was made with.
    const unique = chat.find((r) => r.complete && r.models.some((m) => chat.filter((o) => o.models.includes(m)).length === 1) && r.name !== chat[0]!.name)!;
    const model = unique.models.find((m) => chat.filter((o) => o.models.includes(m)).length === 1)!;
    const expected = sseCases.find((c) => c.name === unique.name)!.expected;
    const stream = await openai.chat.completions.create({ model, messages, stream: true });
    expect(await assembleOpenAiChunks(stream)).toEqual(expected);
  });

  it('answers an unknown recording name with a 404 the SDK reports', async () => {
    await expect(openai.chat.completions.create({ model: 'any', messages, stream: true }, named('no-such-recording'))).rejects.toMatchObject({
      status: 404,
      message: expect.stringContaining('No recording named "no-such-recording"'),
    });
  });
});

describe('the replay server answers the Ollama SDK', () => {
  it.for(chatCases)('streams $name to chat({ stream: true })', async (c) => {
    const client = new Ollama({ host: server.url, headers: { 'x-chunkwise-recording': c.name } });
    const stream = await client.chat({ model: c.expected.model, messages, stream: true });
    expect(await assembleOllamaParts(stream)).toEqual(c.expected);
  });

  it.for(generateCases)('streams $name to generate({ stream: true })', async (c) => {
    const client = new Ollama({ host: server.url, headers: { 'x-chunkwise-recording': c.name } });
    const stream = await client.generate({ model: c.expected.model, prompt: 'Hi', stream: true });
    expect(await assembleOllamaParts(stream)).toEqual(c.expected);
  });

  it('chooses a chat recording by the request model', async () => {
    const c = chatCases.find((x) => chatCases.filter((o) => o.expected.model === x.expected.model).length === 1)!;
    const stream = await ollama.chat({ model: c.expected.model, messages, stream: true });
    expect(await assembleOllamaParts(stream)).toEqual(c.expected);
  });

  it('answers stream: false with the final object', async () => {
    const c = chatCases[0]!;
    const client = new Ollama({ host: server.url, headers: { 'x-chunkwise-recording': c.name } });
    expect(await client.chat({ model: c.expected.model, messages, stream: false })).toEqual(c.expected);
  });
});
