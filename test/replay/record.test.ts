import fc from 'fast-check';
import { Subject, asyncScheduler, concat, of, throwError } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { record } from '../../src/replay/record.js';
import { replay } from '../../src/replay/replay.js';

const encode = (text: string) => new TextEncoder().encode(text);
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const testScheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

const values = { a: encode('data: {"a":1}\n\n'), b: encode('data: {"b":'), c: encode('2}\n\ndata: [DONE]\n\n') };
const marble = 'a--b------c-|';

describe('record', () => {
  it('passes the bytes through unchanged and records pieces, times and the end on virtual time', async () => {
    let recorder!: ReturnType<typeof record>;
    testScheduler().run(({ cold, expectObservable }) => {
      recorder = record(cold(marble, values));
      expectObservable(recorder.bytes).toBe(marble, values);
    });
    const recording = await recorder.recording;
    expect(decode(recording.body)).toBe('data: {"a":1}\n\ndata: {"b":2}\n\ndata: [DONE]\n\n');
    expect(recording.pieces).toEqual([
      { offset: 0, length: 15, at: 0 },
      { offset: 15, length: 11, at: 3 },
      { offset: 26, length: 18, at: 10 },
    ]);
    expect(recording.end).toEqual({ at: 12, outcome: 'complete' });
  });

  it('round-trips: record then replay gives the same pieces at the same times, byte for byte', async () => {
    let recorder!: ReturnType<typeof record>;
    testScheduler().run(({ cold, expectObservable }) => {
      recorder = record(cold(marble, values));
      expectObservable(recorder.bytes).toBe(marble, values);
    });
    const recording = await recorder.recording;
    testScheduler().run(({ expectObservable }) => {
      expectObservable(replay(recording)).toBe(marble, values);
    });
  });

  it('property: any timed source round-trips through record and replay', async () => {
    const pieces = fc.array(fc.tuple(fc.uint8Array({ maxLength: 8 }), fc.nat(20)), { maxLength: 10 });
    await fc.assert(
      fc.asyncProperty(pieces, fc.nat(20), async (raw, tail) => {
        const keys = 'abcdefghij';
        const marbleText = raw.map(([, gap], i) => '-'.repeat(gap) + keys[i]).join('') + '-'.repeat(tail) + '|';
        const source = Object.fromEntries(raw.map(([piece], i) => [keys[i]!, piece]));
        const timed = () => {
          const seen: Array<[number, number[]]> = [];
          return { seen, push: (piece: Uint8Array) => seen.push([asyncScheduler.now(), [...piece]]) };
        };
        const live = timed();
        let recorder!: ReturnType<typeof record>;
        testScheduler().run(({ cold, flush }) => {
          recorder = record(cold(marbleText, source));
          recorder.bytes.subscribe(live.push);
          flush();
        });
        const recording = await recorder.recording;
        const replayed = timed();
        let completedAt = -1;
        testScheduler().run(({ flush }) => {
          replay(recording).subscribe({ next: replayed.push, complete: () => (completedAt = asyncScheduler.now()) });
          flush();
        });
        expect(replayed.seen).toEqual(live.seen);
        expect(completedAt).toBe(marbleText.length - 1);
      }),
      { numRuns: 50 },
    );
  });

  it('hands the consumer each piece synchronously, as the same object', () => {
    const source = new Subject<Uint8Array>();
    const { bytes } = record(source);
    const seen: Uint8Array[] = [];
    bytes.subscribe((piece) => seen.push(piece));
    const piece = encode('data: x\n\n');
    source.next(piece);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBe(piece);
  });

  it('resolves with what arrived and the error message when the source fails', async () => {
    const { bytes, recording } = record(concat(of(encode('{"a":1}\n')), throwError(() => new Error('socket hang up'))));
    let failure: unknown;
    bytes.subscribe({ error: (error: unknown) => (failure = error) });
    expect((failure as Error).message).toBe('socket hang up');
    const result = await recording;
    expect(decode(result.body)).toBe('{"a":1}\n');
    expect(result.end).toMatchObject({ outcome: 'error', error: 'socket hang up' });
  });

  it('resolves as cancelled when the consumer unsubscribes early', async () => {
    const source = new Subject<Uint8Array>();
    const { bytes, recording } = record(source);
    const subscription = bytes.subscribe();
    source.next(encode('{"a":1}\n'));
    subscription.unsubscribe();
    expect(source.observed).toBe(false);
    const result = await recording;
    expect(result.end?.outcome).toBe('cancelled');
    expect(decode(result.body)).toBe('{"a":1}\n');
  });

  it('records only the first subscription; later ones pass through', async () => {
    const source = new Subject<Uint8Array>();
    const { bytes, recording } = record(source, { meta: () => ({ provider: 'ollama' }) });
    const first: Uint8Array[] = [];
    const second: Uint8Array[] = [];
    bytes.subscribe((piece) => first.push(piece));
    bytes.subscribe((piece) => second.push(piece));
    source.next(encode('x'));
    source.complete();
    expect(first).toHaveLength(1);
    expect(second).toHaveLength(1);
    const result = await recording;
    expect(result.pieces).toHaveLength(1);
    expect(result.meta).toEqual({ provider: 'ollama' });
  });

  it('counts piece times from startedAt when given', async () => {
    let recorder!: ReturnType<typeof record>;
    testScheduler().run(({ cold, expectObservable }) => {
      recorder = record(cold('--a|', { a: encode('x') }), { startedAt: -40 });
      expectObservable(recorder.bytes).toBe('--a|', { a: encode('x') });
    });
    const result = await recorder.recording;
    expect(result.pieces).toEqual([{ offset: 0, length: 1, at: 42 }]);
    expect(result.end).toEqual({ at: 43, outcome: 'complete' });
  });
});
