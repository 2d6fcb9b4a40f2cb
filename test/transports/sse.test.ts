import { Subject, from, lastValueFrom, toArray } from 'rxjs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LimitError, ParseError, ProviderError, type ChunkwiseError } from '../../src/errors.js';
import { createSseDecoder, decodeSse, isDoneMessage, type SseDecoderOptions, type SseMessage } from '../../src/transports/sse.js';
import { concat, cut, reference, streamingDecoderAccepts, utf8 } from '../helpers/wire-bytes.js';



interface Decoded {
  messages: Array<Omit<SseMessage, 'number'> & { number?: number }>;
  done?: number;
  error?: ChunkwiseError;
}

/** Feeds every piece, then ends: everything the decoder reported. */
function decode(pieces: Array<Uint8Array | string>, options?: SseDecoderOptions): Decoded {
  const out: Decoded = { messages: [] };
  const decoder = createSseDecoder(
    {
      message: (m) => out.messages.push(m),
      done: (number) => (out.done = number),
      error: (e) => (out.error = e),
    },
    options,
  );
  for (const piece of pieces) decoder.feed(piece);
  decoder.end();
  return out;
}

const data = (decoded: Decoded) => decoded.messages.map((m) => m.data);

// Named fixture streams (wire text as servers send it).
const TWO_CHUNKS = 'data: {"choices":[{"delta":{"content":"Hel"}}]}\n\ndata: {"choices":[{"delta":{"content":"lo"}}]}\n\ndata: [DONE]\n\n';
const NAMED_EVENT_WITH_ID = 'event: message\nid: chunk-42\ndata: {"a":1}\n\n';
const KEEP_ALIVES =
  ': ping\n\n' +
  ': OPENROUTER PROCESSING\n\n' +
  'event: ping\ndata: \n\n' +
  'event: ping\ndata: {not json at all\n\n' +
  'data:\n\n' +
  'data: \n\n' +
  'data: {"a":1}\n\n' +
  ':\n\n';
const RETRY_LINES = 'retry: 3000\n\ndata: 1\nretry: soon\nx-vendor-field: ignored\n\ndata: 2\n\n';
const MULTI_LINE_DATA = 'data: {\ndata:   "a": 1,\ndata:"b": 2\ndata: }\n\n';
const MULTI_BYTE = 'data: {"content":"héllo wörld, 世界 🙂 👩‍💻"}\n\n';
const OPENAI_STREAM_ERROR =
  'data: {"choices":[{"delta":{"content":"Hi"}}]}\n\n' +
  'data: {"error":{"message":"The server had an error while processing your request. Sorry about that!","type":"server_error","param":null,"code":"internal_error","status_code":500}}\n\n' +
  'data: {"choices":[{"delta":{"content":" never read"}}]}\n\n';
const ERROR_EVENT_JSON = 'event: error\ndata: {"message":"Overloaded","type":"overloaded_error","code":"overloaded","status_code":529}\n\n';
const ERROR_EVENT_WRAPPED = 'event: error\ndata: {"error":{"message":"Rate limit exceeded","type":"tokens","code":"rate_limit_exceeded"},"status_code":429}\n\n';
const ERROR_EVENT_TEXT = 'event: error\ndata: upstream connect error or disconnect/reset before headers\n\n';
const OLLAMA_COMPAT_ERROR = 'data: {"error":"model \\"llama9\\" not found, try pulling it first"}\n\n';

describe('SSE decoder: messages', () => {
  it('a plain data event is one message with no event name and no id', () => {
    expect(decode(['data: {"a":1}\n\n']).messages).toEqual([{ event: undefined, data: '{"a":1}', id: undefined, number: 1 }]);
  });

  it('event, id and data fields arrive together on one message', () => {
    expect(decode([NAMED_EVENT_WITH_ID]).messages).toEqual([{ event: 'message', data: '{"a":1}', id: 'chunk-42', number: 1 }]);
  });

  it('LF, CR and CRLF line ends (and a mix of them) give the same messages', () => {
    const lf = decode([NAMED_EVENT_WITH_ID + MULTI_LINE_DATA + TWO_CHUNKS]);
    for (const end of ['\r', '\r\n']) {
      expect(decode([(NAMED_EVENT_WITH_ID + MULTI_LINE_DATA + TWO_CHUNKS).replaceAll('\n', end)])).toEqual(lf);
    }
    const mixed = 'event: message\r\nid: chunk-42\rdata: {"a":1}\n\r\n' + MULTI_LINE_DATA.replaceAll('\n', '\r') + TWO_CHUNKS.replaceAll('\n', '\r\n');
    expect(decode([mixed])).toEqual(lf);
  });

  it('a CRLF split between two pieces is one line end, not two', () => {
    const body = utf8('data: 1\r\n\r\ndata: 2\r\n\r\n');
    const expected = decode([body]);
    expect(data(expected)).toEqual(['1', '2']);
    for (let at = 1; at < body.length; at++) expect(decode([body.slice(0, at), body.slice(at)])).toEqual(expected);
    expect(decode(cut(body, 1))).toEqual(expected);
  });

  it('comments and keep-alives are skipped, never fatal', () => {
    const decoded = decode([KEEP_ALIVES]);
    expect(decoded.error).toBeUndefined();
    expect(data(decoded)).toEqual(['{"a":1}']);
  });

  it('retry lines and unknown fields are ignored', () => {
    const decoded = decode([RETRY_LINES]);
    expect(decoded.error).toBeUndefined();
    expect(data(decoded)).toEqual(['1', '2']);
  });

  it('multi-line data joins its lines with LF (one leading space dropped per line)', () => {
    expect(data(decode([MULTI_LINE_DATA]))).toEqual(['{\n  "a": 1,\n"b": 2\n}']);
  });

  it('a leading BOM is dropped, whether it comes as bytes, split byte by byte, or in a string', () => {
    const body = concat(new Uint8Array([0xef, 0xbb, 0xbf]), utf8('data: 1\n\n'));
    expect(data(decode([body]))).toEqual(['1']);
    expect(data(decode(cut(body, 1)))).toEqual(['1']);
    expect(data(decode(['\uFEFFdata: 1\n\n']))).toEqual(['1']);
  });

  it('a BOM later in the stream is data, not dropped', () => {
    expect(data(decode(['data: 1\n\n', '\uFEFFx\n\ndata: \uFEFF2\n\n']))).toEqual(['1', '\uFEFF2']);
  });

  it('UTF-8 characters split across pieces decode whole', () => {
    const body = utf8(MULTI_BYTE);
    const expected = ['{"content":"héllo wörld, 世界 🙂 👩‍💻"}'];
    expect(data(decode(cut(body, 1)))).toEqual(expected);
    expect(data(decode(cut(body, 2)))).toEqual(expected);
    expect(data(decode(cut(body, 3)))).toEqual(expected);
  });

  it('a real OpenAI stream gives one message per chunk and then done, however it is cut', () => {
    const body = reference('openai-chat-text-usage.sse');
    const whole = decode([body]);
    expect(whole.error).toBeUndefined();
    expect(whole.messages).toHaveLength(50);
    expect(whole.done).toBe(51);
    for (const m of whole.messages) expect(() => JSON.parse(m.data)).not.toThrow();
    expect(decode(cut(body, 7))).toEqual(whole);
    expect(decode(cut(body, 1))).toEqual(whole);
  });

  it('a last event without its blank line still counts when the stream ends', () => {
    expect(decode(['data: 1\n\ndata: [DONE]'])).toMatchObject({ done: 2 });
    expect(data(decode(['data: 1\n\ndata: 2\n']))).toEqual(['1', '2']);
  });
});

describe('SSE decoder: [DONE]', () => {
  it('[DONE] ends the stream: done is reported and nothing after it is read', () => {
    const decoded = decode([TWO_CHUNKS + 'data: {"after":"done"}\n\nevent: error\ndata: ignored\n\n']);
    expect(data(decoded)).toHaveLength(2);
    expect(decoded.done).toBe(3);
    expect(decoded.error).toBeUndefined();
  });

  it('decodeSse passes [DONE] on as a last message, then completes and lets go of the source', () => {
    const source = new Subject<Uint8Array>();
    const seen: SseMessage[] = [];
    let completed = false;
    source.pipe(decodeSse()).subscribe({ next: (m) => seen.push(m), complete: () => (completed = true) });
    source.next(utf8(': ping\n\n' + TWO_CHUNKS));
    expect(seen.map((m) => m.data)).toEqual(['{"choices":[{"delta":{"content":"Hel"}}]}', '{"choices":[{"delta":{"content":"lo"}}]}', '[DONE]']);
    expect(seen.at(-1)).toEqual({ event: undefined, data: '[DONE]', id: undefined, number: 3 });
    expect(isDoneMessage(seen.at(-1)!)).toBe(true);
    expect(completed).toBe(true);
    expect(source.observed).toBe(false);
  });

  it('decodeSse completes without [DONE] when the bytes end', async () => {
    const messages = await lastValueFrom(from([utf8('data: 1\n'), '\ndata: 2\n\n']).pipe(decodeSse(), toArray()));
    expect(messages.map((m) => m.data)).toEqual(['1', '2']);
  });
});

describe('SSE decoder: provider errors', () => {
  it('a data payload that is an {"error": …} object is a ProviderError with message, type, code and status', () => {
    const decoded = decode([OPENAI_STREAM_ERROR]);
    expect(data(decoded)).toEqual(['{"choices":[{"delta":{"content":"Hi"}}]}']);
    const error = decoded.error as ProviderError;
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({
      code: 'provider',
      providerMessage: 'The server had an error while processing your request. Sorry about that!',
      type: 'server_error',
      providerCode: 'internal_error',
      status: 500,
      event: 2,
    });
    expect(error.message).toContain('The server had an error');
  });

  it('an `event: error` with a JSON payload is a ProviderError carrying its fields', () => {
    expect(decode([ERROR_EVENT_JSON]).error).toMatchObject({ providerMessage: 'Overloaded', type: 'overloaded_error', providerCode: 'overloaded', status: 529 });
    expect(decode([ERROR_EVENT_WRAPPED]).error).toMatchObject({
      providerMessage: 'Rate limit exceeded',
      type: 'tokens',
      providerCode: 'rate_limit_exceeded',
      status: 429,
    });
  });

  it('an `event: error` with plain text data is a ProviderError with that text', () => {
    const error = decode(['data: 1\n\n', ERROR_EVENT_TEXT]).error;
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ providerMessage: 'upstream connect error or disconnect/reset before headers', event: 2 });
  });

  it('an Ollama-style {"error": "text"} payload is a ProviderError with that text', () => {
    expect(decode([OLLAMA_COMPAT_ERROR]).error).toMatchObject({ providerMessage: 'model "llama9" not found, try pulling it first' });
  });

  it('a chunk whose error field is null is an ordinary message', () => {
    const decoded = decode(['data: {"error":null,"choices":[]}\n\n']);
    expect(decoded.error).toBeUndefined();
    expect(data(decoded)).toEqual(['{"error":null,"choices":[]}']);
  });
});

describe('SSE decoder: invalid UTF-8', () => {
  it('an invalid byte is a ParseError at its exact offset, after the events before it', () => {
    const head = utf8('data: é\n\ndata: 世');
    const body = concat(head, new Uint8Array([0xff]), utf8('\n\n'));
    for (const pieces of [[body], cut(body, 1), cut(body, 4)]) {
      const decoded = decode(pieces);
      expect(data(decoded)).toEqual(['é']);
      expect(decoded.error).toBeInstanceOf(ParseError);
      expect(decoded.error).toMatchObject({ code: 'parse', offset: head.length });
    }
  });

  it('a character cut in the middle of the body is a ParseError at the first byte that breaks it', () => {
    // 世 is E4 B8 96; here the third byte is replaced by an ASCII letter.
    const body = concat(utf8('data: ok\n\ndata: '), new Uint8Array([0xe4, 0xb8]), utf8('x\n\n'));
    for (const pieces of [[body], cut(body, 1)]) {
      const decoded = decode(pieces);
      expect(data(decoded)).toEqual(['ok']);
      expect(decoded.error).toMatchObject({ code: 'parse', offset: 16 });
    }
  });

  it('a body that ends inside a character is a ParseError at that character', () => {
    const body = concat(utf8('data: 1\n\ndata: '), new Uint8Array([0xf0, 0x9f, 0x99]));
    const decoded = decode(cut(body, 1));
    expect(decoded.error).toBeInstanceOf(ParseError);
    expect(decoded.error).toMatchObject({ offset: 15 });
    expect(decoded.error!.message).toContain('ended inside a UTF-8 character');
  });
  it('damaged bytes under any cut: the same events and the same error as the whole body, at the byte where a fatal TextDecoder stops (property, seed 7)', () => {
    // Each piece is decoded on its own (the bytes of a character cut at its end carried over by
    // hand): any cut must give what one piece gives, and the offset must be the first byte that
    // a streaming fatal TextDecoder cannot take.
    const body = fc
      .tuple(
        fc.array(fc.string({ unit: 'binary', maxLength: 8 }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0x80, max: 0xff })), { maxLength: 2 }),
        fc.integer({ min: 0, max: 3 }),
      )
      .map(([texts, damage, drop]) => {
        // Event data without line ends, so that the damage is the only thing that can fail.
        const bytes = utf8(texts.map((t) => `data: x${t.replace(/[\r\n]/g, '')}\n\n`).join(''));
        for (const [at, byte] of damage) bytes[at % bytes.length] = byte;
        return bytes.subarray(0, Math.max(0, bytes.length - drop));
      });
    fc.assert(
      fc.property(body, fc.array(fc.nat(), { maxLength: 6 }), (bytes, cuts) => {
        const whole = decode([bytes]);
        const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const pieces = [0, ...points].map((from, i) => bytes.slice(from, [...points, bytes.length][i]));
        const split = decode(pieces);
        expect(data(split)).toEqual(data(whole));
        expect(split.error?.message).toBe(whole.error?.message);
        expect(split.error?.offset).toBe(whole.error?.offset);
        const offset = whole.error?.offset;
        if (offset === undefined) return;
        expect(streamingDecoderAccepts(bytes.subarray(0, offset))).toBe(true);
        if (whole.error!.message.includes('ended inside')) expect(streamingDecoderAccepts(bytes.subarray(offset))).toBe(true);
        else expect(streamingDecoderAccepts(bytes.subarray(0, Math.min(bytes.length, offset + 4)))).toBe(false);
      }),
      { seed: 7, numRuns: 1500 },
    );
  });
});

describe('SSE decoder: limits', () => {
  const options = { maxEventSize: 16 };

  it('an event whose data is longer than maxEventSize fails with a LimitError, even when it arrives in one piece', () => {
    const body = 'data: 0123456789\ndata: 0123456789\n\n'; // lines of 16, data of 21 characters
    for (const pieces of [[body], cut(utf8(body), 1)]) {
      const error = decode(pieces, options).error as LimitError;
      expect(error).toBeInstanceOf(LimitError);
      expect(error).toMatchObject({ code: 'limit', limitName: 'maxEventSize', limit: 16, event: 1 });
    }
  });

  it('a line of exactly maxEventSize characters passes, however it is cut', () => {
    const body = utf8('data: 0123456789\n\n');
    expect(decode([body], options)).toEqual({ messages: [{ event: undefined, data: '0123456789', id: undefined, number: 1 }] });
    expect(decode(cut(body, 1), options)).toEqual(decode([body], options));
  });

  it('a line longer than maxEventSize fails as soon as its unterminated part passes the limit', () => {
    const errors: ChunkwiseError[] = [];
    const decoder = createSseDecoder({ message: () => {}, done: () => {}, error: (e) => errors.push(e) }, options);
    const line = 'data: 0123456789abcdef';
    let failedAt = -1;
    for (let i = 0; i < line.length && failedAt === -1; i++) {
      decoder.feed(line[i]!);
      if (errors.length > 0) failedAt = i + 1;
    }
    expect(failedAt).toBe(17); // characters held when it failed: one past the limit
    expect(errors[0]).toMatchObject({ limitName: 'maxEventSize', event: 1 });
  });

  it('an event with many short data lines fails before its blank line arrives', () => {
    const errors: ChunkwiseError[] = [];
    const decoder = createSseDecoder({ message: () => {}, done: () => {}, error: (e) => errors.push(e) }, options);
    decoder.feed('data: 12345\n');
    decoder.feed('data: 12345\n');
    expect(errors).toEqual([]); // 11 characters of data
    decoder.feed('data: 12345\n');
    expect(errors[0]).toBeInstanceOf(LimitError); // 17 characters of data, and no blank line yet
  });

  it('events before a too-long line are delivered, however the body is cut', () => {
    const body = utf8('data: 1\n\ndata: 2\n\ndata: 0123456789abcdef\n\n');
    for (const pieces of [[body], cut(body, 1), cut(body, 5)]) {
      const decoded = decode(pieces, options);
      expect(data(decoded)).toEqual(['1', '2']);
      expect(decoded.error).toMatchObject({ limitName: 'maxEventSize', event: 3 });
    }
  });

  it('a long comment line counts against the limit too', () => {
    expect(decode([': ' + 'x'.repeat(20) + '\n\ndata: 1\n\n'], options).error).toBeInstanceOf(LimitError);
  });
});
