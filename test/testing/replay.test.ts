import { readFileSync } from 'node:fs';
import { VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it, vi } from 'vitest';
import { ChunkwiseError, UsageError } from '../../src/errors.js';
import type { Recording } from '../../src/replay/recording.js';
import { matchRecording, recordingFetch, type RecordingCandidate } from '../../src/testing-node.js';

const encode = (text: string) => new TextEncoder().encode(text);
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const raw = (file: string): Recording => ({ body: new Uint8Array(readFileSync(new URL(`../../recordings/${file}`, import.meta.url))) });

const OPENAI = 'http://localhost/v1/chat/completions';
const OLLAMA_CHAT = 'http://localhost:11434/api/chat';
const OLLAMA_GENERATE = 'http://localhost:11434/api/generate';
const post = (model: string, extra: Record<string, unknown> = { stream: true }): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test' },
  body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Hi' }], ...extra }),
});

/** A timed SSE recording with a sidecar-like meta, answering `model`. */
function timed(model: string, text: string, meta: Recording['meta'] = {}): Recording {
  const parts = [`data: {"model":"${model}","choices":[{"delta":{"content":"${text}"}}]}\n\n`, 'data: [DONE]\n\n'];
  return {
    body: encode(parts.join('')),
    pieces: [
      { offset: 0, length: encode(parts[0]!).length, at: 10 },
      { offset: encode(parts[0]!).length, length: encode(parts[1]!).length, at: 30 },
    ],
    end: { at: 31, outcome: 'complete' },
    meta: { endpoint: '/v1/chat/completions', method: 'POST', model, status: 200, contentType: 'text/event-stream', ...meta },
  };
}

async function pieces(response: Response): Promise<string[]> {
  const out: string[] = [];
  for await (const piece of response.body! as unknown as AsyncIterable<Uint8Array>) out.push(decode(piece));
  return out;
}

async function rejection(promise: Promise<unknown>): Promise<ChunkwiseError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UsageError);
  return error as ChunkwiseError;
}

describe('recordingFetch replays', () => {
  it('answers with the recorded status, headers and body in the recorded pieces', async () => {
    const recording = timed('gpt-4o-mini', 'Hello', { headers: { 'x-request-id': 'req_1', 'content-length': '999' } });
    const fetch = recordingFetch({ recordings: [recording] });
    const response = await fetch(OPENAI, post('gpt-4o-mini'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(response.headers.get('x-request-id')).toBe('req_1');
    expect(response.headers.get('content-length')).toBeNull();
    expect(response.url).toBe(OPENAI);
    expect(await pieces(response)).toEqual(['data: {"model":"gpt-4o-mini","choices":[{"delta":{"content":"Hello"}}]}\n\n', 'data: [DONE]\n\n']);
    expect(fetch.calls).toEqual([{ method: 'POST', url: OPENAI, model: 'gpt-4o-mini', name: 'recording-1', action: 'replayed' }]);
  });

  it('replays a recorded error status with its body, to streaming and plain requests alike', async () => {
    const recording: Recording = {
      body: encode('{"error":{"message":"Rate limit reached","type":"requests"}}'),
      meta: { endpoint: '/v1/chat/completions', status: 429, statusText: 'Too Many Requests', contentType: 'application/json', headers: { 'retry-after': '2' } },
    };
    const fetch = recordingFetch({ recordings: [recording], repeat: true });
    for (const stream of [false, true]) {
      const response = await fetch(OPENAI, post('gpt-4o', { stream }));
      expect([response.status, response.statusText, response.headers.get('retry-after')]).toEqual([429, 'Too Many Requests', '2']);
      expect(await response.json()).toEqual({ error: { message: 'Rate limit reached', type: 'requests' } });
    }
  });

  it('chooses by endpoint: SSE answers chat completions, NDJSON answers /api/chat, NDJSON with response lines answers /api/generate', async () => {
    const fetch = recordingFetch({
      recordings: [
        { name: 'generate', recording: raw('ollama-generate.ndjson') },
        { name: 'chat', recording: raw('ollama-chat-text.ndjson') },
        { name: 'sse', recording: raw('openai-text.sse') },
      ],
      timing: 'instant',
    });
    await fetch(OLLAMA_CHAT, post('llama3.2'));
    await fetch(OPENAI, post('gpt-4o-mini'));
    await fetch(OLLAMA_GENERATE, post('llama3.2'));
    expect(fetch.calls.map((c) => c.name)).toEqual(['chat', 'sse', 'generate']);
  });

  it('chooses by model: the recorded one, or the one the first chunk reports (a dated snapshot of the asked model counts)', async () => {
    const fetch = recordingFetch({
      recordings: [
        { name: 'logprobs', recording: raw('openai-logprobs.sse') },
        { name: 'text', recording: raw('openai-text.sse') },
        { name: 'tagged', recording: timed('my-model', 'x') },
      ],
      timing: 'instant',
    });
    await fetch(OPENAI, post('gpt-4o-mini'));
    await fetch(OPENAI, post('my-model'));
    await fetch(OPENAI, post('gpt-4.1-mini'));
    expect(fetch.calls.map((c) => c.name)).toEqual(['text', 'tagged', 'logprobs']);
  });

  it('uses each recording once, in order, and then fails naming the used ones', async () => {
    const fetch = recordingFetch({ recordings: [timed('m', 'one'), timed('m', 'two')], timing: 'instant' });
    expect((await pieces(await fetch(OPENAI, post('m'))))[0]).toContain('one');
    expect((await pieces(await fetch(OPENAI, post('m'))))[0]).toContain('two');
    const error = await rejection(fetch(OPENAI, post('m')));
    expect(error.message).toContain('every recording that fits was already used');
    expect(error.message).toContain('recording-1 (POST /v1/chat/completions, m, stream, used 1×)');
  });

  it('goes round again with repeat: true', async () => {
    const fetch = recordingFetch({ recordings: [timed('m', 'one'), timed('m', 'two')], timing: 'instant', repeat: true });
    for (let i = 0; i < 5; i++) await fetch(OPENAI, post('m'));
    expect(fetch.calls.map((c) => c.name)).toEqual(['recording-1', 'recording-2', 'recording-1', 'recording-2', 'recording-1']);
  });

  it('rejects a request with no recording with a UsageError naming its method, URL and model and listing the recordings', async () => {
    const fetch = recordingFetch({
      recordings: [
        { name: 'openai-text', recording: raw('openai-text.sse') },
        { name: 'ollama-chat-text', recording: raw('ollama-chat-text.ndjson') },
      ],
    });
    const error = await rejection(fetch('http://localhost/v1/chat/completions?api_key=sk-abcdefghijklmnopqrstu', post('gpt-5')));
    expect(error.code).toBe('usage');
    expect(error.message).toMatchInlineSnapshot(`
      "recordingFetch has no recording for POST http://localhost/v1/chat/completions?api_key=[redacted] (model "gpt-5", stream).
      Recordings:
        - openai-text (/v1/chat/completions, gpt-4o-mini-2024-07-18, stream)
        - ollama-chat-text (/api/chat, llama3.2, stream)
      Record it with mode: 'auto' (or 'record') and a dir, or choose one with the match option."
    `);
  });

  it('says so when there are no recordings at all', async () => {
    const error = await rejection(recordingFetch()(OLLAMA_CHAT, post('llama3.2')));
    expect(error.message).toContain('POST http://localhost:11434/api/chat (model "llama3.2", stream)');
    expect(error.message).toContain('There are no recordings.');
  });

  it('does not answer a non-streaming request with a stream', async () => {
    const error = await rejection(recordingFetch({ recordings: [raw('openai-text.sse')] })(OPENAI, post('gpt-4o-mini', { stream: false })));
    expect(error.message).toContain('(model "gpt-4o-mini", not a stream)');
  });

  it('lets a match function choose by name, by recording, or not at all', async () => {
    const seen: RecordingCandidate[][] = [];
    const special = timed('m', 'special');
    const fetch = recordingFetch({
      recordings: [{ name: 'a', recording: timed('m', 'a') }, { name: 'b', recording: timed('other', 'b') }],
      timing: 'instant',
      match: (request, recordings) => {
        seen.push([...recordings]);
        if (request.headers['x-case'] === 'b') return 'b';
        if (request.headers['x-case'] === 'special') return special;
        if (request.headers['x-case'] === 'none') return undefined;
        return matchRecording(request, recordings);
      },
    });
    const withCase = (value: string) => ({ ...post('m'), headers: { 'x-case': value } });
    expect((await pieces(await fetch(OPENAI, withCase('b'))))[0]).toContain('"b"');
    expect((await pieces(await fetch(OPENAI, withCase('special'))))[0]).toContain('special');
    expect((await pieces(await fetch(OPENAI, withCase('default'))))[0]).toContain('"a"');
    expect((await rejection(fetch(OPENAI, withCase('none')))).message).toContain('the match function returned nothing');
    expect(seen[0]!.map((c) => [c.name, c.endpoint, c.models])).toEqual([
      ['a', '/v1/chat/completions', ['m']],
      ['b', '/v1/chat/completions', ['other']],
    ]);
  });

  it('rejects a match result that names no recording', async () => {
    const fetch = recordingFetch({ recordings: [{ name: 'a', recording: timed('m', 'a') }], match: () => 'nope' });
    expect((await rejection(fetch(OPENAI, post('m')))).message).toBe('recordingFetch: match returned "nope", which is not a recording (have: a)');
  });

  it('looks recordings up by the name option: NAME, then NAME-2', async () => {
    const fetch = recordingFetch({
      recordings: [
        { name: 'greets', recording: timed('m', 'hi') },
        { name: 'greets-2', recording: timed('m', 'hi again') },
        { name: 'aaa', recording: timed('m', 'wrong') },
      ],
      name: 'greets',
      timing: 'instant',
    });
    expect((await pieces(await fetch(OPENAI, post('m'))))[0]).toContain('"hi"');
    expect((await pieces(await fetch(OPENAI, post('m'))))[0]).toContain('hi again');
    expect((await rejection(fetch(OPENAI, post('m')))).message).toContain('no recording is named "greets-3"');
  });

  it('refuses a named recording made for another model', async () => {
    const fetch = recordingFetch({ recordings: [{ name: 'greets', recording: timed('m', 'hi') }], name: () => 'greets' });
    expect((await rejection(fetch(OPENAI, post('other')))).message).toContain('(model "other", stream): recording greets (POST /v1/chat/completions, m, stream) does not fit it.');
  });

  it('replays at speed: N and instantly with timing: instant', async () => {
    vi.useFakeTimers();
    try {
      const recording = timed('m', 'x');
      recording.pieces![1]!.at = 300;
      recording.end!.at = 300;
      const arrivals = async (response: Response) => {
        const t0 = Date.now();
        const times: number[] = [];
        const reading = (async () => {
          for await (const _ of response.body! as unknown as AsyncIterable<Uint8Array>) times.push(Date.now() - t0);
        })();
        await vi.runAllTimersAsync();
        await reading;
        return times;
      };
      expect(await arrivals(await recordingFetch({ recordings: [recording] })(OPENAI, post('m')))).toEqual([10, 300]);
      expect(await arrivals(await recordingFetch({ recordings: [recording], speed: 10 })(OPENAI, post('m')))).toEqual([1, 30]);
      expect(await arrivals(await recordingFetch({ recordings: [recording], timing: 'instant' })(OPENAI, post('m')))).toEqual([0, 0]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('runs its delays on the scheduler it is given', async () => {
    const scheduler = new VirtualTimeScheduler();
    const response = await recordingFetch({ recordings: [timed('m', 'x')], scheduler })(OPENAI, post('m'));
    const reader = response.body!.getReader();
    const first = reader.read();
    let settled = false;
    void first.then(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settled).toBe(false);
    scheduler.flush();
    expect(decode((await first).value!)).toContain('"x"');
    expect(decode((await reader.read()).value!)).toBe('data: [DONE]\n\n');
    expect((await reader.read()).done).toBe(true);
  });

  it('fails the body where the recording ended in a network error', async () => {
    const recording = timed('m', 'x');
    recording.end = { at: 31, outcome: 'error', error: 'terminated' };
    const response = await recordingFetch({ recordings: [recording], timing: 'instant' })(OPENAI, post('m'));
    const reader = response.body!.getReader();
    expect(decode((await reader.read()).value!)).toContain('"x"');
    expect(decode((await reader.read()).value!)).toBe('data: [DONE]\n\n');
    await expect(reader.read()).rejects.toThrow(new TypeError('terminated'));
  });

  it('honours the request signal: an aborted request rejects, an abort mid-body fails the body', async () => {
    const fetch = recordingFetch({ recordings: [timed('m', 'x'), timed('m', 'y')] });
    const before = new AbortController();
    before.abort();
    await expect(fetch(OPENAI, { ...post('m'), signal: before.signal })).rejects.toMatchObject({ name: 'AbortError' });
    const during = new AbortController();
    const response = await fetch(OPENAI, { ...post('m'), signal: during.signal });
    const reader = response.body!.getReader();
    await reader.read();
    during.abort();
    await expect(reader.read()).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('reads the model from a Request object and leaves its body unread', async () => {
    const fetch = recordingFetch({ recordings: [timed('m', 'x')], timing: 'instant' });
    const request = new Request(OPENAI, post('m'));
    await fetch(request);
    expect(request.bodyUsed).toBe(false);
    expect(fetch.calls[0]).toMatchObject({ model: 'm', action: 'replayed' });
  });

  it('checks its options at once', () => {
    expect(() => recordingFetch({ mode: 'record' })).toThrow(new UsageError('recordingFetch: mode "record" saves recordings and needs a dir'));
    expect(() => recordingFetch({ mode: 'rewind' as never })).toThrow(/unknown mode "rewind"/);
    expect(() => recordingFetch({ speed: 0 })).toThrow(/^recordingFetch: option speed is a number \(0\)/);
    expect(() => recordingFetch({ recordings: [{ pieces: [] } as never] })).toThrow(/recordings\[0\] is not a recording/);
  });
});
