import { describe, expect, it } from 'vitest';
import { HistoryGoneError, PublisherGoneError } from '../../src/redis.js';
import { createEntryReader, type RedisStreamEvent } from '../../src/redis/entry-reader.js';
import { parseCursor, type StreamEntry } from '../../src/redis/layout.js';

// The reader alone, on entries made here (no Redis): cursors, gaps, the end. Deterministic and instant.
const START = 1_700_000_000_000;
const chunk = (content: string, finish: string | null = null) =>
  JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content }, finish_reason: finish }] });
const meta = JSON.stringify({ version: 1, provider: 'openai', partialArguments: true, partialContent: false, heartbeatTtlMs: 3000 });
const final = JSON.stringify({ id: 'c', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 'ab', refusal: null }, logprobs: null, finish_reason: 'stop' }] });
const entries = (kinds: [StreamEntry['kind'], string][], first = 0): StreamEntry[] => kinds.map(([kind, data], i) => ({ id: `${START}-${first + i}`, kind, data }));
const STREAM = entries([
  ['meta', meta],
  ['chunk', chunk('a')],
  ['chunk', chunk('b', 'stop')],
  ['final', final],
  ['end', ''],
]);

function read(list: StreamEntry[], after?: string, gone?: string) {
  const out = { events: [] as RedisStreamEvent[], final: undefined as unknown, error: undefined as unknown, complete: false };
  const reader = createEntryReader('k', after ? parseCursor(after) : undefined, after, {
    event: (e) => out.events.push(e),
    final: (f) => (out.final = f),
    error: (e) => (out.error = e),
    complete: () => (out.complete = true),
  });
  for (const entry of list) reader.entry(entry);
  if (gone) reader.gone(gone);
  return out;
}

describe('createEntryReader', () => {
  it('gives every event an id `<entry>:<k>` and its entry id, and ends with done and the stored final object', () => {
    const all = read(STREAM);
    expect(all.events.map((e) => `${e.id} ${e.type}`)).toEqual([
      `${START}-1:0 content.delta`,
      `${START}-1:1 chunk`,
      `${START}-2:0 content.delta`,
      `${START}-2:1 content.done`,
      `${START}-2:2 finish`,
      `${START}-2:3 chunk`,
      `${START}-3:0 done`,
    ]);
    expect(all.events.every((e) => e.id.startsWith(`${e.entryId}:`))).toBe(true);
    expect(all.final).toEqual(JSON.parse(final));
    expect(all.complete).toBe(true);
  });

  it('after an event id: exactly the later events, with the snapshots of a reader that saw everything', () => {
    const all = read(STREAM);
    for (let i = 0; i < all.events.length; i++) {
      const resumed = read(STREAM, all.events[i]!.id);
      expect(resumed.events.map((e) => e.id)).toEqual(all.events.slice(i + 1).map((e) => e.id));
      expect(resumed.events.filter((e) => e.type === 'chunk').map((e) => e.snapshot())).toEqual(
        all.events.slice(i + 1).filter((e) => e.type === 'chunk').map((e) => e.snapshot()),
      );
      expect(resumed.final).toEqual(JSON.parse(final)); // also after `done`, which delivers nothing
    }
    expect(read(STREAM, `${START}-1`).events[0]!.id).toBe(`${START}-2:0`);
  });

  it('a missing first entry or a gap is a HistoryGoneError (trimmed); a cursor of another stream is one (expired)', () => {
    expect(read(STREAM.slice(2)).error).toMatchObject({ name: 'HistoryGoneError', reason: 'trimmed' });
    expect(read([STREAM[0]!, STREAM[2]!]).error).toMatchObject({ reason: 'trimmed', message: expect.stringMatching(/between .*-0 and .*-2/) });
    const other = read(STREAM, `${START - 5}-1:0`).error;
    expect(other).toBeInstanceOf(HistoryGoneError);
    expect(other).toMatchObject({ reason: 'expired', after: `${START - 5}-1:0` });
  });

  it('a publisher gone mid-stream fails with the partial object, after the events that came', () => {
    const out = read(STREAM.slice(0, 2), undefined, 'its heartbeat expired');
    expect(out.events.map((e) => e.type)).toEqual(['content.delta', 'chunk']);
    expect(out.error).toBeInstanceOf(PublisherGoneError);
    expect((out.error as PublisherGoneError).partial).toMatchObject({ choices: [{ message: { content: 'a' } }] });
    expect((out.error as PublisherGoneError).lastEntryId).toBe(`${START}-1`);
  });
});
