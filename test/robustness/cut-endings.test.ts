import { describe, expect, test } from 'vitest';
import { ParseError, TruncatedStreamError, assemble, type ChunkwiseError } from '../../src/index.js';
import { asChunkwiseError } from '../helpers/robustness-corpus.js';

/*
 * How a body that ends in the middle of something is classified (the truncation sweep relies on
 * it): the body ended inside its last SSE event / NDJSON line, which no line end closed.
 * - What that piece holds is the start of a JSON value (or of `[DONE]`), or the body ends inside
 *   a UTF-8 character: the stream was cut. A TruncatedStreamError, its cause the ParseError the
 *   decoder saw, carrying the partial object; with `lenient`, the partial object is the result.
 * - What it holds cannot start any JSON value (`garbage`): bad data, a ParseError, lenient or not.
 * - An event or line that was closed (blank line, LF) and is not JSON: a ParseError, as before.
 */

const encoder = new TextEncoder();
const sseChunk = (content: string) => `data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":${JSON.stringify(content)}},"finish_reason":null}]}\n\n`;
const line = (content: string) => `{"model":"m","created_at":"t","message":{"role":"assistant","content":${JSON.stringify(content)}},"done":false}\n`;

async function failure(body: string | Uint8Array, lenient = false): Promise<{ value?: any; error?: ChunkwiseError }> {
  try {
    return { value: await assemble(body, { lenient }) };
  } catch (error) {
    return { error: asChunkwiseError(error) };
  }
}

describe('a body that ends inside its last event or line', () => {
  test.each([
    ['SSE, inside the JSON', sseChunk('Hel') + 'data: {"id":"c","choi'],
    ['SSE, inside a string', sseChunk('Hel') + 'data: {"id":"c","object":"chat.compl'],
    ['SSE, inside [DONE]', sseChunk('Hel') + 'data: [DO'],
    ['SSE, the error payload cut', sseChunk('Hel') + 'data: {"error":{"message":"overlo'],
    ['NDJSON, inside the JSON', line('Hel') + '{"model":"m","created_at":"t","mess'],
    ['NDJSON, inside a string', line('Hel') + '{"model":"m","created_at":"t","message":{"role":"assistant","content":"lo wo'],
  ])('%s: a TruncatedStreamError with the partial object; lenient gives the partial object', async (_what, body) => {
    const { error } = await failure(body);
    expect(error).toBeInstanceOf(TruncatedStreamError);
    expect(error!.code).toBe('truncated');
    expect((error as { cause?: unknown }).cause).toBeInstanceOf(ParseError);
    expect(error!.message).toMatch(/ended in the middle of (SSE event 2|line 2)/);
    const partial = error!.partial as any;
    expect(partial.choices?.[0].message.content ?? partial.message.content).toBe('Hel');
    const { value } = await failure(body, true);
    expect(value.choices?.[0].message.content ?? value.message.content).toBe('Hel');
  });

  test.each([
    ['SSE', sseChunk('Hel') + 'data: {"choices":[{"delta":{"content":"\u00e9\u4e16\ud83d\ude00'],
    ['NDJSON', line('Hel') + '{"model":"m","message":{"content":"\u00e9\u4e16\ud83d\ude00'],
  ])('%s, inside a UTF-8 character: truncated, whichever byte of the character the body ends after', async (_what, text) => {
    const bytes = encoder.encode(text);
    // The last 4 bytes are 😀: end after its 1st, 2nd and 3rd byte.
    for (const drop of [1, 2, 3]) {
      const { error } = await failure(bytes.subarray(0, bytes.length - drop));
      expect(error, `ending ${drop} byte(s) short`).toBeInstanceOf(TruncatedStreamError);
      expect(String(((error as { cause?: Error }).cause as Error).message)).toContain('ended inside a UTF-8 character');
      const partial = error!.partial as any;
      expect(partial.choices?.[0].message.content ?? partial.message.content).toBe('Hel');
      const { value } = await failure(bytes.subarray(0, bytes.length - drop), true);
      expect(value.choices?.[0].message.content ?? value.message.content).toBe('Hel');
    }
  });

  test.each([
    ['SSE, an unterminated garbage event', sseChunk('Hel') + 'data: garbage'],
    ['SSE, an unterminated event that cannot be JSON', sseChunk('Hel') + 'data: {"a" 1'],
    ['NDJSON, an unterminated garbage line', line('Hel') + 'garbage'],
    ['NDJSON, an unterminated line that cannot be JSON', line('Hel') + '{"a"}'],
    ['SSE, a closed event that is not JSON', sseChunk('Hel') + 'data: {"id":"c","choi\n\n'],
    ['NDJSON, a closed line that is not JSON', line('Hel') + '{"model":"m","created_at":"t","mess\n'],
  ])('%s: a ParseError, lenient or not', async (_what, body) => {
    for (const lenient of [false, true]) {
      const { error } = await failure(body, lenient);
      expect(error).toBeInstanceOf(ParseError);
      const partial = error!.partial as any;
      expect(partial.choices?.[0].message.content ?? partial.message.content).toBe('Hel');
    }
  });

  test('nothing assembled: lenient has no object to give, the TruncatedStreamError carries no partial', async () => {
    for (const body of ['', 'data: {"id":"c","obj', '{"model":"m","crea', ': ping\n\n']) {
      for (const lenient of [false, true]) {
        const { error } = await failure(body, lenient);
        expect(error, JSON.stringify(body)).toBeInstanceOf(TruncatedStreamError);
        expect(error!.partial).toBeUndefined();
      }
    }
  });
});
