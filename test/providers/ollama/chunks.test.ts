import { firstValueFrom, from, lastValueFrom, Observable, throwError, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ChunkwiseError, ParseError, ProviderError, TruncatedStreamError } from '../../../src/errors.js';
import { ollamaChunks, ollamaSnapshots } from '../../../src/providers/ollama/chunks.js';
import type { OllamaChatResponse, OllamaEvent } from '../../../src/providers/ollama/types.js';
import { decodeNdjson } from '../../../src/transports/ndjson.js';
import { OLLAMA_WIRE, PARIS_FINAL, referenceBody } from '../../helpers/ndjson-payloads.js';

const lines = (text: string) => text.trim().split('\n').map((l) => JSON.parse(l) as unknown);

function failure(source: Observable<unknown>): Promise<ChunkwiseError> {
  return new Promise((resolve, reject) => source.subscribe({ error: resolve, complete: () => reject(new Error('completed')) }));
}

describe('ollamaChunks', () => {
  it('passes each NDJSON value on as a typed chunk', async () => {
    const values = lines(OLLAMA_WIRE.chatThinking);
    expect(await lastValueFrom(from(values).pipe(ollamaChunks(), toArray()))).toEqual(values);
  });

  it('fails with a ParseError naming the field of a line that is not an Ollama chunk', async () => {
    const error = await failure(from([{ message: { content: 1 }, done: false }]).pipe(ollamaChunks()));
    expect(error).toBeInstanceOf(ParseError);
    expect(error.message).toBe('message.content must be a string, got a number (1)');
  });

  it('fails with the ProviderError of an error line, from the decoder or pushed as a value', async () => {
    const body = new TextEncoder().encode(OLLAMA_WIRE.chatErrorMidStream);
    const decoded = await failure(from([body]).pipe(decodeNdjson(), ollamaChunks()));
    expect(decoded).toBeInstanceOf(ProviderError);
    const pushed = await failure(from(lines(OLLAMA_WIRE.chatErrorMidStream)).pipe(ollamaChunks()));
    expect((pushed as ProviderError).providerMessage).toBe((decoded as ProviderError).providerMessage);
  });

  it('does not check that the stream ended with done: true', async () => {
    expect(await lastValueFrom(from(lines(OLLAMA_WIRE.chatTruncated)).pipe(ollamaChunks(), toArray()))).toHaveLength(2);
  });

  it('gives each subscriber its own assembler', async () => {
    const chunks = from(lines(OLLAMA_WIRE.toolCallOnDoneFalseLine)).pipe(ollamaChunks());
    await lastValueFrom(chunks);
    expect(await lastValueFrom(chunks.pipe(toArray()))).toHaveLength(2);
  });
});

describe('ollamaSnapshots', () => {
  it('emits the response so far after each line, the last one being the final response', async () => {
    const snapshots = await lastValueFrom(from(lines(OLLAMA_WIRE.toolCallOnDoneFalseLine)).pipe(ollamaSnapshots(), toArray()));
    expect(snapshots).toHaveLength(2);
    expect(snapshots[0]).toMatchObject({ done: false, message: { tool_calls: PARIS_FINAL.message.tool_calls } });
    expect(snapshots[1]).toEqual(PARIS_FINAL);
  });

  it('assembles a real recording from bytes through decodeNdjson', async () => {
    const final = (await lastValueFrom(from([referenceBody('ollama-chat-gemma3-plain.ndjson')]).pipe(decodeNdjson(), ollamaSnapshots()))) as OllamaChatResponse;
    expect(final.done).toBe(true);
    expect(final.message.content).toMatch(/^Okay, let's break down 2 \+ 2:/);
  });

  it('fails with a TruncatedStreamError carrying the partial response, unless lenient', async () => {
    const error = await failure(from(lines(OLLAMA_WIRE.chatTruncated)).pipe(ollamaSnapshots()));
    expect(error).toBeInstanceOf(TruncatedStreamError);
    expect(error.partial).toMatchObject({ message: { content: 'Kyoto' }, done: false });
    const last = await lastValueFrom(from(lines(OLLAMA_WIRE.chatTruncated)).pipe(ollamaSnapshots({ lenient: true })));
    expect(last).toMatchObject({ message: { content: 'Kyoto' }, done: false });
  });

  it('gives the decoder’s ProviderError the partial response', async () => {
    const body = new TextEncoder().encode(OLLAMA_WIRE.chatErrorMidStream);
    const error = await failure(from([body]).pipe(decodeNdjson(), ollamaSnapshots()));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.partial).toMatchObject({ message: { content: 'Voici une recette' } });
  });

  it('passes a source error on as a ChunkwiseError, with no partial before the first line', async () => {
    const error = await failure(throwError(() => new Error('socket hang up')).pipe(ollamaSnapshots()));
    expect(error).toBeInstanceOf(ChunkwiseError);
    expect(error.message).toContain('socket hang up');
    expect(error.partial).toBeUndefined();
  });

  it('sends the events to onEvent', async () => {
    const types: string[] = [];
    await lastValueFrom(from(lines(OLLAMA_WIRE.chatThinking)).pipe(ollamaSnapshots({ onEvent: (e: OllamaEvent) => types.push(e.type) })));
    expect(types.filter((t) => t !== 'chunk')).toEqual(['reasoning.delta', 'reasoning.delta', 'content.delta', 'reasoning.done', 'content.done', 'usage', 'finish']);
  });

  it('emits snapshots that later lines do not change', async () => {
    const first = await firstValueFrom(from(lines(OLLAMA_WIRE.chatLogprobs)).pipe(ollamaSnapshots(), toArray()));
    expect(first[0]).toMatchObject({ message: { content: 'Hi' }, logprobs: [{ token: 'Hi' }] });
    expect((first[0] as { logprobs: unknown[] }).logprobs).toHaveLength(1);
  });
});
