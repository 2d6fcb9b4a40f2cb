import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Recording } from '../../src/replay/recording.js';
import { recordingFetch } from '../../src/testing-node.js';

const encode = (text: string) => new TextEncoder().encode(text);
// The real clock, taken before vitest fakes `performance` and `Date`.
const wallClock = performance.now.bind(performance);

const WORDS = ['One', ' two', ' three', ' four', ' five', ' six'];

/** A chat-completions stream of six content chunks, one a second: 0 s … 5 s, then `[DONE]`. */
function fiveSecondStream(): Recording {
  const events = WORDS.map((word) => `data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"${word}"},"finish_reason":null}]}\n\n`);
  events[events.length - 1] += 'data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n';
  const pieces: NonNullable<Recording['pieces']> = [];
  let offset = 0;
  events.forEach((event, i) => {
    const length = encode(event).length;
    pieces.push({ offset, length, at: i * 1000 });
    offset += length;
  });
  return { body: encode(events.join('')), pieces, end: { at: 5000, outcome: 'complete' }, meta: { model: 'gpt-4o-mini', contentType: 'text/event-stream' } };
}

const request = { method: 'POST', body: JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages: [] }) };

describe('recordingFetch on fake timers', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('replays a 5-second recording in no wall time, each piece at its recorded (fake) time', async () => {
    const started = wallClock();
    const fetch = recordingFetch({ recordings: [fiveSecondStream()] });
    const response = await fetch('https://api.openai.com/v1/chat/completions', request);
    const t0 = Date.now();
    const seen: Array<[number, string]> = [];
    const reading = (async () => {
      const decoder = new TextDecoder();
      for await (const piece of response.body! as unknown as AsyncIterable<Uint8Array>) seen.push([Date.now() - t0, /"content":"([^"]*)"/.exec(decoder.decode(piece))![1]!]);
    })();

    // Step the clock: nothing arrives early, each piece arrives on its second.
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual([[0, 'One']]);
    await vi.advanceTimersByTimeAsync(999);
    expect(seen).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(seen).toEqual([
      [0, 'One'],
      [1000, ' two'],
    ]);
    await vi.runAllTimersAsync();
    await reading;
    expect(seen).toEqual(WORDS.map((word, i) => [i * 1000, word]));
    expect(wallClock() - started).toBeLessThan(1000);
  });

  it('drives openai-node through the whole stream with runAllTimersAsync, in order', async () => {
    const started = wallClock();
    const openai = new OpenAI({ apiKey: 'test', baseURL: 'https://api.openai.com/v1', fetch: recordingFetch({ recordings: [fiveSecondStream()] }), maxRetries: 0 });
    const t0 = Date.now();
    const seen: Array<[number, string]> = [];
    const done = (async () => {
      const stream = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Count' }], stream: true });
      for await (const chunk of stream) {
        const content = chunk.choices[0]?.delta.content;
        if (content) seen.push([Date.now() - t0, content]);
      }
    })();
    await vi.runAllTimersAsync();
    await done;
    expect(seen).toEqual(WORDS.map((word, i) => [i * 1000, word]));
    expect(wallClock() - started).toBeLessThan(1000);
  });
});
