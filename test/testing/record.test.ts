import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ollama } from 'ollama';
import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { recordingFetch } from '../../src/testing-node.js';
import { startTestServer, type TestServer } from '../helpers/http-server.js';

const encode = (text: string) => new TextEncoder().encode(text);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const chat = (model: string, extra: Record<string, unknown> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ model, stream: true, messages: [{ role: 'user', content: 'Hi' }], ...extra }),
});

// An SSE body in four network pieces: the second ends inside an event, the third inside `é`.
const CAFE = encode('café');
const PIECES: Uint8Array[] = [
  encode('data: {"model":"m","choices":[{"delta":{"content":"Hello"}}]}\n\n'),
  encode('data: {"model":"m","choices":[{"delta":{"content":" '),
  new Uint8Array([...CAFE.subarray(0, 4)]),
  new Uint8Array([...CAFE.subarray(4), ...encode('"}}]}\n\ndata: [DONE]\n\n')]),
];
const GAPS = [0, 60, 60, 80];

let dir: string;
let server: TestServer;
let requests: number;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chunkwise-testing-'));
  requests = 0;
  server = await startTestServer({ headers: { 'content-type': 'text/event-stream', 'x-request-id': 'req_1' } });
});
afterEach(async () => {
  vi.useRealTimers();
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

/** Answers the next request with the timed pieces. */
async function serveTimed(): Promise<void> {
  const exchange = await server.nextExchange();
  requests++;
  for (let i = 0; i < PIECES.length; i++) {
    await sleep(GAPS[i]!);
    await exchange.write(PIECES[i]!);
  }
  await exchange.end();
}

/** Each piece a body gives, with its arrival time (ms after `t0`, on whatever clock `now` reads). */
async function readTimed(response: Response, t0: number, now: () => number): Promise<Array<{ at: number; bytes: number[] }>> {
  const seen: Array<{ at: number; bytes: number[] }> = [];
  for await (const piece of response.body! as unknown as AsyncIterable<Uint8Array>) seen.push({ at: now() - t0, bytes: [...piece] });
  return seen;
}

async function filesIn(folder: string): Promise<string[]> {
  return (await readdir(folder, { recursive: true })).map(String).sort();
}

describe('recordingFetch records', () => {
  it('round-trips: records a timed stream from a real server, and replays the same bytes, boundaries and timing on fake time', async () => {
    const recorder = recordingFetch({ mode: 'record', dir });
    const url = `${server.url}v1/chat/completions`;
    const serving = serveTimed();
    const t0 = Date.now();
    const response = await recorder(url, chat('m'));
    expect(response.headers.get('x-request-id')).toBe('req_1');
    const live = await readTimed(response, t0, Date.now);
    await serving;
    await recorder.flush();

    // The caller got the pieces as the server sent them.
    expect(live.map((p) => p.bytes)).toEqual(PIECES.map((p) => [...p]));
    expect(await filesIn(dir)).toEqual(['chat-completions-m-1.sse', 'chat-completions-m-1.sse.json']);
    const sidecar = JSON.parse(await readFile(join(dir, 'chat-completions-m-1.sse.json'), 'utf8'));
    expect(sidecar).toMatchObject({
      format: 'chunkwise-recording',
      meta: { endpoint: url, method: 'POST', model: 'm', status: 200, contentType: 'text/event-stream', headers: { 'x-request-id': 'req_1' } },
      end: { outcome: 'complete' },
    });
    expect(sidecar.pieces.map((p: { length: number }) => p.length)).toEqual(PIECES.map((p) => p.length));
    // The recorded times are the times the caller saw (counted from when the request went out,
    // so after the kit's own set-up, which the caller's clock includes).
    const gaps = (times: number[]) => times.map((at) => at - times[0]!);
    const recordedGaps = gaps(sidecar.pieces.map((p: { at: number }) => p.at));
    gaps(live.map((p) => p.at)).forEach((gap, i) => expect(Math.abs(gap - recordedGaps[i]!)).toBeLessThanOrEqual(15));
    expect(sidecar.pieces[0].at).toBeLessThanOrEqual(live[0]!.at);
    expect(sidecar.pieces[3].at - sidecar.pieces[0].at).toBeGreaterThanOrEqual(150);
    expect(recorder.calls).toEqual([{ method: 'POST', url, model: 'm', name: 'chat-completions-m-1', action: 'recorded' }]);

    vi.useFakeTimers();
    const player = recordingFetch({ dir });
    const replayed = await player(url, chat('m'));
    const f0 = Date.now();
    const reading = readTimed(replayed, f0, Date.now);
    await vi.runAllTimersAsync();
    const again = await reading;
    expect(again.map((p) => p.bytes)).toEqual(live.map((p) => p.bytes));
    expect(again.map((p) => p.at)).toEqual(sidecar.pieces.map((p: { at: number }) => p.at));
    expect(replayed.headers.get('x-request-id')).toBe('req_1');
    expect(requests).toBe(1);
  });

  it('hands the caller each piece before the server sends the next one', async () => {
    const recorder = recordingFetch({ mode: 'record', dir });
    const responding = recorder(`${server.url}v1/chat/completions`, chat('m'));
    const exchange = await server.nextExchange();
    await exchange.write(PIECES[0]!);
    const reader = (await responding).body!.getReader();
    expect([...(await reader.read()).value!]).toEqual([...PIECES[0]!]);
    await exchange.write(PIECES[1]!);
    expect([...(await reader.read()).value!]).toEqual([...PIECES[1]!]);
    await exchange.end(PIECES[2]!);
    expect([...(await reader.read()).value!]).toEqual([...PIECES[2]!]);
    expect((await reader.read()).done).toBe(true);
    await recorder.flush();
    expect(await filesIn(dir)).toContain('chat-completions-m-1.sse');
  });

  it('auto: replays what exists and records what is missing', async () => {
    const url = `${server.url}v1/chat/completions`;
    const answer = async () => {
      const exchange = await server.nextExchange();
      requests++;
      await exchange.end(PIECES[0]!);
    };
    const first = recordingFetch({ mode: 'auto', dir: join(dir, 'new-folder') });
    for (const model of ['a', 'b']) {
      const served = answer();
      await (await first(url, chat(model))).arrayBuffer();
      await served;
    }
    await first.flush();
    expect(requests).toBe(2);

    const second = recordingFetch({ mode: 'auto', dir: join(dir, 'new-folder') });
    await (await second(url, chat('b'))).arrayBuffer();
    await (await second(url, chat('a'))).arrayBuffer();
    const served = answer();
    await (await second(url, chat('a'))).arrayBuffer();
    await served;
    await second.flush();
    expect(requests).toBe(3);
    expect(second.calls.map((c) => [c.name, c.action])).toEqual([
      ['chat-completions-b-1', 'replayed'],
      ['chat-completions-a-1', 'replayed'],
      ['chat-completions-a-2', 'recorded'],
    ]);
    expect(await filesIn(join(dir, 'new-folder'))).toEqual([
      'chat-completions-a-1.sse',
      'chat-completions-a-1.sse.json',
      'chat-completions-a-2.sse',
      'chat-completions-a-2.sse.json',
      'chat-completions-b-1.sse',
      'chat-completions-b-1.sse.json',
    ]);
  });

  it('writes recordings 0600 and the folders it creates 0700 whatever the umask, or the fileMode asked for', async () => {
    const modeOf = async (path: string) => (await stat(path)).mode & 0o777;
    const url = `${server.url}v1/chat/completions`;
    const umask = process.umask(0o022);
    try {
      for (const [folder, fileMode] of [['own', undefined], ['team', 0o640]] as const) {
        const recorder = recordingFetch({ mode: 'record', dir: join(dir, folder, 'sub'), ...(fileMode === undefined ? {} : { fileMode }) });
        const serving = serveTimed();
        await (await recorder(url, chat('m'))).arrayBuffer();
        await serving;
        await recorder.flush();
      }
    } finally {
      process.umask(umask);
    }
    const own = join(dir, 'own', 'sub');
    expect([await modeOf(join(own, 'chat-completions-m-1.sse')), await modeOf(join(own, 'chat-completions-m-1.sse.json')), await modeOf(own), await modeOf(join(dir, 'own'))]).toEqual([0o600, 0o600, 0o700, 0o700]);
    const team = join(dir, 'team', 'sub');
    expect([await modeOf(join(team, 'chat-completions-m-1.sse')), await modeOf(team)]).toEqual([0o640, 0o750]);
    expect(() => recordingFetch({ mode: 'record', dir, fileMode: 0o1777 })).toThrow(/fileMode must be a file mode from 0 to 0o777/);
  });

  it('names recordings with the name option, and replays them by it', async () => {
    const name = () => 'chat.test.ts > greets the user';
    const recorder = recordingFetch({ mode: 'auto', dir, name });
    const served = serveTimed();
    await (await recorder(`${server.url}v1/chat/completions`, chat('m'))).arrayBuffer();
    await served;
    await recorder.flush();
    expect(await filesIn(dir)).toEqual(['chat.test.ts-greets-the-user.sse', 'chat.test.ts-greets-the-user.sse.json']);
    const player = recordingFetch({ dir, name, timing: 'instant' });
    expect(await (await player(`${server.url}v1/chat/completions`, chat('m'))).text()).toBe(new TextDecoder().decode(Buffer.concat(PIECES)));
  });

  it('records Ollama NDJSON as NAME.ndjson, which ollama-js then replays', async () => {
    const lines = ['{"model":"llama3.2","message":{"role":"assistant","content":"Bon"},"done":false}\n', '{"model":"llama3.2","message":{"role":"assistant","content":"jour"},"done":false}\n', '{"model":"llama3.2","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop"}\n'];
    const host = server.url.replace(/\/$/, '');
    const serving = (async () => {
      const exchange = await server.nextExchange();
      exchange.head(200, { 'content-type': 'application/x-ndjson' });
      for (const line of lines) await exchange.write(line);
      await exchange.end();
    })();
    const recorder = recordingFetch({ mode: 'record', dir });
    let live = '';
    for await (const part of await new Ollama({ host, fetch: recorder }).chat({ model: 'llama3.2', messages: [], stream: true })) live += part.message.content;
    await serving;
    await recorder.flush();
    expect(live).toBe('Bonjour');
    expect(await filesIn(dir)).toEqual(['api-chat-llama3.2-1.ndjson', 'api-chat-llama3.2-1.ndjson.json']);

    let replayed = '';
    const ollama = new Ollama({ host: 'http://127.0.0.1:9', fetch: recordingFetch({ dir, timing: 'instant' }) });
    for await (const part of await ollama.chat({ model: 'llama3.2', messages: [], stream: true })) replayed += part.message.content;
    expect(replayed).toBe('Bonjour');
  });

  it('records a stream the network cut, and replays it failing the same way', async () => {
    const recorder = recordingFetch({ mode: 'record', dir });
    const url = `${server.url}v1/chat/completions`;
    const serving = (async () => {
      const exchange = await server.nextExchange();
      await exchange.write(PIECES[0]!);
      await sleep(20);
      exchange.response.destroy();
    })();
    const reader = (await recorder(url, chat('m'))).body!.getReader();
    expect([...(await reader.read()).value!]).toEqual([...PIECES[0]!]);
    const liveError = await reader.read().catch((e: unknown) => e);
    await serving;
    await recorder.flush();
    expect(liveError).toBeInstanceOf(TypeError);
    const sidecar = JSON.parse(await readFile(join(dir, 'chat-completions-m-1.sse.json'), 'utf8'));
    expect(sidecar.end).toMatchObject({ outcome: 'error', error: (liveError as Error).message });

    const replayReader = (await recordingFetch({ dir, timing: 'instant' })(url, chat('m'))).body!.getReader();
    expect([...(await replayReader.read()).value!]).toEqual([...PIECES[0]!]);
    await expect(replayReader.read()).rejects.toThrow(new TypeError((liveError as Error).message));
  });

  it('keeps every secret out of the files it writes', async () => {
    const SECRETS = ['sk-proj-SECRETaaaaaaaaaaaaaaaa', 'azure-SECRET-1', 'anthropic-SECRET-2', 'q-SECRET-3', 'alice-SECRET@example.com', 'tok-SECRET-4', 'body-SECRET-5', 'sk-SECRETbbbbbbbbbbbbbbbbbbbb', 'session=SECRET-6', 'org-SECRET-7', 'acct-SECRET-8'];
    const serving = (async () => {
      const exchange = await server.nextExchange();
      exchange.head(200, { 'content-type': 'text/event-stream', 'set-cookie': 'session=SECRET-6', 'openai-organization': 'org-SECRET-7', 'x-account': 'acct-SECRET-8', 'x-request-id': 'req_9', 'x-goog-api-key': 'goog-SECRET-9', location: '/next?key=loc-SECRET-10' });
      await exchange.end(PIECES[0]!);
    })();
    const recorder = recordingFetch({ mode: 'record', dir, redact: ['user', 'x-account'] });
    const response = await recorder(`${server.url}v1/chat/completions?api-key=q-SECRET-3&key=q-SECRET-11`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-proj-SECRETaaaaaaaaaaaaaaaa', 'api-key': 'azure-SECRET-1', 'x-api-key': 'anthropic-SECRET-2', 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'gpt-4o',
        stream: true,
        user: 'alice-SECRET@example.com',
        metadata: { session_token: 'tok-SECRET-4' },
        api_key: 'body-SECRET-5',
        credentials: { private_key: 'pk-SECRET-12' },
        messages: [{ role: 'user', content: 'my key is sk-SECRETbbbbbbbbbbbbbbbbbbbb' }],
      }),
    });
    await response.text();
    await serving;
    await recorder.flush();

    const files = await filesIn(dir);
    expect(files).toHaveLength(2);
    const written = (await Promise.all(files.map((f) => readFile(join(dir, f), 'utf8')))).join('\n');
    for (const secret of SECRETS) expect(written).not.toContain(secret);
    expect(written).not.toContain('SECRET');
    const sidecar = JSON.parse(await readFile(join(dir, 'chat-completions-gpt-4o-1.sse.json'), 'utf8'));
    expect(sidecar.meta.requestBody).toMatchObject({ model: 'gpt-4o', user: '[redacted]', api_key: '[redacted]', metadata: { session_token: '[redacted]' } });
    expect(sidecar.meta.headers).toMatchObject({ 'x-request-id': 'req_9', 'x-account': '[redacted]', 'openai-organization': '[redacted]' });
    expect(sidecar.meta.endpoint).toContain('api-key=[redacted]');
  });

  it('records through openai-node, and replays to it', async () => {
    const events = ['{"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":null}]}', '{"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":" there"},"finish_reason":"stop"}]}', '[DONE]'];
    const serving = (async () => {
      const exchange = await server.nextExchange();
      for (const event of events) await exchange.write(`data: ${event}\n\n`);
      await exchange.end();
    })();
    const baseURL = `${server.url}v1`;
    const recorder = recordingFetch({ mode: 'record', dir });
    const live = await new OpenAI({ apiKey: 'sk-live-SECRETcccccccccccccccc', baseURL, fetch: recorder, maxRetries: 0 }).chat.completions.stream({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] }).finalChatCompletion();
    await serving;
    await recorder.flush();
    const replayed = await new OpenAI({ apiKey: 'unused', baseURL, fetch: recordingFetch({ dir, timing: 'instant' }), maxRetries: 0 }).chat.completions.stream({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] }).finalChatCompletion();
    expect(replayed).toEqual(live);
    expect(replayed.choices[0]!.message.content).toBe('Hi there');
    const written = (await Promise.all((await filesIn(dir)).map((f) => readFile(join(dir, f), 'utf8')))).join('\n');
    expect(written).not.toContain('SECRET');
  });

  it('refuses to record into a folder it cannot write, naming it, before sending anything', async () => {
    const file = join(dir, 'a-file');
    await writeFile(file, 'not a folder');
    const recorder = recordingFetch({ mode: 'record', dir: join(file, 'recordings') });
    const error = await recorder(`${server.url}v1/chat/completions`, chat('m')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toBe(`recordingFetch cannot record into ${join(file, 'recordings')}: a file is in the way of the folder`);
    expect(requests).toBe(0);
  });

  it('passes a network failure to the caller and saves nothing', async () => {
    const recorder = recordingFetch({ mode: 'record', dir, fetch: async () => Promise.reject(new TypeError('fetch failed')) });
    await expect(recorder('http://127.0.0.1:9/v1/chat/completions', chat('m'))).rejects.toThrow('fetch failed');
    await recorder.flush();
    expect(await filesIn(dir)).toEqual([]);
  });
});
