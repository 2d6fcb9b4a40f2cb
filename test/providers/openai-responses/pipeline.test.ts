/**
 * The Responses provider behind the public entry points: detected with no option (from the
 * `event:` name, or the JSON `type` when a server sends no `event:` lines), also named; the
 * RxJS pipeline, snapshots, typingIndicator and metrics on its events.
 */
import { lastValueFrom, toArray, from, concatMap, delay, of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { StreamEvent } from '../../../src/assembly/events.js';
import { ProviderError, TruncatedStreamError, type ChunkwiseError } from '../../../src/errors.js';
import { assemble, isResponsesApiResponse, streamEvents, streamFinal, streamMetrics, streamResponse, typingIndicator } from '../../../src/index.js';
import { isTokenEvent } from '../../../src/operators/token-events.js';
import { responsesRecordings } from '../../helpers/responses-recordings.js';

const recordings = responsesRecordings();
const onePieceEach = (body: Uint8Array) => Array.from(body, (b) => Uint8Array.of(b));

describe('assemble() and streamFinal() detect the Responses API with no option', () => {
  describe.each(recordings.map((r) => [r.name, r] as const))('%s', (_name, recording) => {
    const check = async (source: Uint8Array | Uint8Array[]) => {
      const failing = 'partial' in recording.expected;
      try {
        const { response, provider } = await lastValueFrom(streamFinal(source));
        expect(failing).toBe(false);
        expect(provider).toBe('openai-responses');
        expect(isResponsesApiResponse(response)).toBe(true);
        expect(JSON.stringify(response, null, 2)).toBe(JSON.stringify(recording.expected, null, 2));
      } catch (error) {
        if (!failing) throw error;
        expect(error).toBeInstanceOf(ProviderError);
        expect((error as ProviderError).payload).toEqual(recording.expected.error);
        expect(JSON.stringify((error as ChunkwiseError).partial, null, 2)).toBe(JSON.stringify(recording.expected.partial, null, 2));
      }
    };
    it('whole', () => check(recording.body));
    it('in 1-byte pieces', () => check(onePieceEach(recording.body)));
  });

  it("named: provider 'openai-responses'", async () => {
    const recording = recordings.find((r) => r.name === 'openai-function-call')!;
    const response = await assemble(recording.body, { provider: 'openai-responses' });
    expect(response.output[0]!.type).toBe('function_call');
  });

  it('a Responses body cut short is a TruncatedStreamError with the partial Response, or that partial with lenient', async () => {
    const recording = recordings.find((r) => r.name === 'openai-gpt-4.1-plain-text-conversation')!;
    const text = new TextDecoder().decode(recording.body);
    const cut = new TextEncoder().encode(text.slice(0, text.indexOf('event: response.output_text.done')));
    const error = await assemble(cut).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TruncatedStreamError);
    const partial = (error as TruncatedStreamError).partial as { output: Array<{ status: string; content: Array<{ text: string }> }> };
    expect(partial.output[0]!.status).toBe('in_progress');
    const final = recording.expected as { output: Array<{ content: Array<{ text: string }> }> };
    expect(final.output[0]!.content[0]!.text.startsWith(partial.output[0]!.content[0]!.text)).toBe(true);
    expect(await assemble(cut, { lenient: true })).toEqual(partial);
  });

  it('strict turns a sequence_number gap into a ParseError through the pipeline', async () => {
    const recording = recordings.find((r) => r.name === 'openai-gpt-5.2-codex-custom-tool-call-input-deltas')!;
    await expect(assemble(recording.body, { strict: true })).rejects.toMatchObject({ code: 'parse', message: expect.stringMatching(/sequence_number jumped/) });
    const events = await lastValueFrom(streamEvents(recording.body).pipe(toArray()));
    expect(events.filter((e) => e.type === 'diagnostic').map((e) => (e as { kind: string }).kind)).toEqual(['sequence.gap', 'sequence.gap']);
  });
});

describe('the RxJS pipeline on a Responses stream', () => {
  const recording = recordings.find((r) => r.name === 'xai-grok-4.3-reasoning-then-text')!;

  it('streamEvents: the same event names as chat completions, done last with the final Response', async () => {
    const events = await lastValueFrom(streamEvents(recording.body).pipe(toArray()));
    const types = new Set(events.map((e) => e.type));
    for (const type of ['chunk', 'reasoning.delta', 'reasoning.done', 'content.delta', 'content.done', 'usage', 'finish', 'done']) expect(types).toContain(type);
    expect(events.at(-1)!.type).toBe('done');
    expect(JSON.stringify((events.at(-1) as { response: unknown }).response)).toBe(JSON.stringify(recording.expected));
  });

  it('streamResponse: snapshots grow a prefix at a time and end at the final Response', async () => {
    const stream = streamResponse(recording.body);
    const snapshots = await lastValueFrom(stream.snapshots$.pipe(toArray()));
    expect(snapshots.length).toBeGreaterThan(3);
    const texts = snapshots.map((s) => JSON.stringify((s as { output: unknown[] }).output.length));
    expect(texts.length).toBe(snapshots.length);
    expect(JSON.stringify(await stream.final)).toBe(JSON.stringify(recording.expected));
  });
});

describe('typingIndicator and streamMetrics on Responses events (virtual time)', () => {
  it('typing while reasoning and text arrive, done at the end; metrics count every token event', async () => {
    const recording = recordings.find((r) => r.name === 'deepseek-v4-flash-reasoning-text-then-function-call')!;
    const events = await lastValueFrom(streamEvents(recording.body, { provider: 'openai-responses' }).pipe(toArray()));
    const tokens = events.filter(isTokenEvent).length;
    expect(tokens).toBeGreaterThan(10);
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    scheduler.run(() => {
      // One event every 10 ms, after 100 ms of silence.
      const timed = () => from(events).pipe(concatMap((e, i) => of(e).pipe(delay(i === 0 ? 100 : 10))));
      const states: string[] = [];
      timed()
        .pipe(typingIndicator({ pauseAfterMs: 1000 }))
        .subscribe((s) => states.push(s));
      let last: { tokens: number; timeToFirstTokenMs: number | undefined; done: boolean } | undefined;
      timed()
        .pipe(streamMetrics())
        .subscribe((m) => (last = m));
      scheduler.flush();
      expect(states).toEqual(['waiting', 'typing', 'done']);
      expect(last).toMatchObject({ tokens, done: true });
      const first = events.findIndex((e) => isTokenEvent(e as StreamEvent));
      expect(last!.timeToFirstTokenMs).toBe(100 + 10 * first);
    });
  });
});
