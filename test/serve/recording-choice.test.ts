// Issue 22: pointed at the bundled recordings, the official OpenAI SDK must get a recording it
// can read, chosen predictably: a name (header) first, then the model (a dated snapshot answers
// its undated name), then a plain recording for the endpoint. Recordings kept to show a server
// quirk (`meta.quirk` in their sidecar: keep-alive pings, errors, cut bodies) answer only by
// name. `chunkwise serve` and the test kit's default matcher follow the same rules.
import { readFileSync } from 'node:fs';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReplayServer, readRecording, type ReplayServer } from '../../src/node.js';
import { recordingFetch } from '../../src/testing-node.js';
import { RECORDINGS, recordingCases } from '../cli/run-cli.js';

const messages = [{ role: 'user' as const, content: 'Hi' }];
const expectedOf = (name: string) => JSON.parse(readFileSync(`${RECORDINGS}/${name}.expected.json`, 'utf8'));

interface Listed {
  name: string;
  file: string;
  models: string[];
  endpoints: string[];
  quirk: string | null;
}

let server: ReplayServer;
let openai: OpenAI;
let listed: Listed[];

beforeAll(async () => {
  server = await createReplayServer({ dir: RECORDINGS, instant: true });
  openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'x', maxRetries: 0 });
  listed = ((await (await fetch(`${server.url}/recordings`)).json()) as { recordings: Listed[] }).recordings;
});
afterAll(() => server?.close());

/** Which recording the server used for a request, from the header it answers with. */
async function servedFor(body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<string | null> {
  const response = await fetch(`${server.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ messages, ...body }) });
  await response.arrayBuffer();
  return response.headers.get('x-chunkwise-recording');
}

describe('which bundled recording answers a request', () => {
  it('the bundled quirk recordings carry their reason in the sidecar, and the listing shows it', async () => {
    const quirks = listed.filter((r) => r.quirk !== null);
    expect(quirks.map((r) => r.name)).toContain('openai-keepalives');
    for (const r of quirks) expect((await readRecording(`${RECORDINGS}/${r.file}`)).meta?.quirk).toBe(r.quirk);
  });

  it.each(['gpt-4o-mini', 'gpt-4o-mini-2024-07-18'])('the OpenAI SDK asking for %s streams a plain gpt-4o-mini recording it reads to the end', async (model) => {
    const name = await servedFor({ model, stream: true });
    const entry = listed.find((r) => r.name === name)!;
    expect(entry.quirk, `${name} is kept for a quirk`).toBeNull();
    expect(entry.models.some((m) => m === model || m.startsWith(`${model}-`))).toBe(true);
    const final = await openai.chat.completions.stream({ model, messages }).finalChatCompletion();
    expect(final.choices[0]!.message.content).toBe(expectedOf(name!).choices[0].message.content);
  });

  it('a model no recording has gets a plain recording for the endpoint', async () => {
    const name = await servedFor({ model: 'no-such-model', stream: true });
    expect(listed.find((r) => r.name === name)!.quirk).toBeNull();
  });

  it('a quirk recording answers when named, even for a model it was made with', async () => {
    const quirk = listed.find((r) => r.quirk !== null && r.endpoints.includes('/v1/chat/completions') && r.models.length > 0)!;
    expect(await servedFor({ model: quirk.models[0], stream: true })).not.toBe(quirk.name);
    expect(await servedFor({ model: quirk.models[0], stream: true }, { 'x-chunkwise-recording': quirk.name })).toBe(quirk.name);
  });

  it('the test kit chooses as serve does: the plain recording by model, a quirk one by name', async () => {
    for (const model of ['gpt-4o-mini', 'gpt-4o-mini-2024-07-18']) {
      const fetch = recordingFetch({ dir: RECORDINGS, timing: 'instant' });
      const client = new OpenAI({ baseURL: 'https://api.openai.com/v1', apiKey: 'x', maxRetries: 0, fetch });
      await client.chat.completions.stream({ model, messages }).finalChatCompletion();
      expect(fetch.calls.map((c) => c.name)).toEqual([await servedFor({ model, stream: true })]);
    }
    const named = recordingFetch({ dir: RECORDINGS, name: 'openai-keepalives', timing: 'instant' });
    const response = await named('https://api.openai.com/v1/chat/completions', { method: 'POST', body: JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages }) });
    await response.arrayBuffer();
    expect(named.calls.map((c) => c.name)).toEqual(['openai-keepalives']);
  });

  it('every bundled recording is still reachable by name', async () => {
    for (const c of recordingCases().filter((r) => r.body.endsWith('.sse'))) {
      expect(await servedFor({ model: 'any', stream: true }, { 'x-chunkwise-recording': c.name })).toBe(c.name);
    }
  });
});
