import { firstValueFrom, from, lastValueFrom, of, toArray } from 'rxjs';
import { describe, expect, test } from 'vitest';
import { ParseError, TruncatedStreamError } from '../../../src/errors.js';
import { createOpenAiAssembler } from '../../../src/providers/openai/assembler.js';
import { openAiChunks, openAiSnapshots } from '../../../src/providers/openai/chunks.js';
import { groqProvider, openAiProvider } from '../../../src/providers/openai/spec.js';
import type { ChatCompletionChunk } from '../../../src/providers/openai/types.js';
import { decodeSse, type SseMessage } from '../../../src/transports/sse.js';
import { deltaChunk, finishChunk } from '../../helpers/openai-chunks.js';
import { assembleSse, readRecording, sseText } from '../../helpers/sse-payloads.js';

const message = (data: string, number: number): SseMessage => ({ event: undefined, data, id: undefined, number });

describe('openAiChunks', () => {
  test('turns SSE messages into typed chunks and drops [DONE]', async () => {
    const chunks = await lastValueFrom(of(readRecording('openai-chat-tool-call-single.sse')).pipe(decodeSse(), openAiChunks(), toArray()));
    expect(chunks).toHaveLength(17);
    expect(chunks[0]!.choices[0]!.delta!.tool_calls![0]!.id).toBe('call_7PhhveOvvpPK53s1fV8TWhoV');
  });

  test('a message that is not JSON fails with a ParseError naming its event', async () => {
    const error = await lastValueFrom(of(message('{"id":', 4)).pipe(openAiChunks())).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParseError);
    expect((error as ParseError).event).toBe(4);
  });

  test('a message that is not a chunk fails with the path of the problem', async () => {
    const error = await lastValueFrom(of(message('{"choices":[{"index":0,"delta":"x"}]}', 2)).pipe(openAiChunks())).catch((e: unknown) => e);
    expect((error as Error).message).toBe('choices[0].delta must be an object, got a string ("x") (at event 2)');
  });
});

describe('openAiSnapshots', () => {
  test('emits a snapshot per chunk; the last equals the assembled final object', async () => {
    const bytes = readRecording('openai-chat-gpt-4.1-parallel-tool-calls-obfuscation.sse');
    const snapshots = await lastValueFrom(of(bytes).pipe(decodeSse(), openAiSnapshots(), toArray()));
    expect(snapshots).toHaveLength(17);
    expect(snapshots.at(-1)).toEqual(assembleSse(bytes, createOpenAiAssembler()).final);
  });

  test('a cut stream fails with a TruncatedStreamError carrying the partial object, unless lenient', async () => {
    const body = sseText([deltaChunk({ role: 'assistant', content: 'Hal' })], false);
    const error = await lastValueFrom(of(body).pipe(decodeSse(), openAiSnapshots())).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TruncatedStreamError);
    expect((error as TruncatedStreamError).partial).toMatchObject({ choices: [{ message: { content: 'Hal' } }] });
    const last = await lastValueFrom(of(body).pipe(decodeSse(), openAiSnapshots({ lenient: true })));
    expect(last.choices[0]!.message.content).toBe('Hal');
  });

  test('accepts chunks as well as SSE messages, and passes events on', async () => {
    const types: string[] = [];
    const last = await lastValueFrom(from([deltaChunk({ content: 'a' }), finishChunk()] as unknown as ChatCompletionChunk[]).pipe(openAiSnapshots({ onEvent: (e) => types.push(e.type) })));
    expect(last.choices[0]).toMatchObject({ message: { content: 'a' }, finish_reason: 'stop' });
    expect(types).toEqual(['content.delta', 'chunk', 'content.done', 'finish', 'chunk']);
  });

  test('every subscription assembles on its own', async () => {
    const source = from([deltaChunk({ content: 'a' }), finishChunk()] as unknown as ChatCompletionChunk[]).pipe(openAiSnapshots());
    const first = await lastValueFrom(source);
    const second = await lastValueFrom(source);
    expect(second).toEqual(first);
    expect((await firstValueFrom(source)).choices[0]!.message.content).toBe('a');
  });

  test('a bad chunk fails with the partial object so far', async () => {
    const error = await lastValueFrom(of(sseText([deltaChunk({ content: 'ok' }), '{"choices":"x"}'])).pipe(decodeSse(), openAiSnapshots())).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParseError);
    expect((error as ParseError).partial).toMatchObject({ choices: [{ message: { content: 'ok' } }] });
  });
});

describe('provider specs', () => {
  test('openai and groq share the SSE transport and the assembler', () => {
    expect([openAiProvider.name, openAiProvider.transport, groqProvider.name, groqProvider.transport]).toEqual(['openai', 'sse', 'groq', 'sse']);
    const assembler = groqProvider.createAssembler();
    assembler.push(deltaChunk({ content: 'x' }, { finish_reason: 'stop' }));
    expect(assembler.finish(true, false).choices[0]!.message.content).toBe('x');
  });
});
