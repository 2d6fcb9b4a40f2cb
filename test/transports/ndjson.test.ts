import fc from 'fast-check';
import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { LimitError, ParseError, ProviderError, type ChunkwiseError } from '../../src/errors.js';
import { createNdjsonDecoder, decodeNdjson, type NdjsonDecoderOptions } from '../../src/transports/ndjson.js';
import { concat, cut, reference, streamingDecoderAccepts, utf8 } from '../helpers/wire-bytes.js';

const byteLength = (text: string) => utf8(text).byteLength;


interface Decoded {
  values: unknown[];
  lines: number[];
  error?: ChunkwiseError;
}

function decode(pieces: Array<Uint8Array | string>, options?: NdjsonDecoderOptions): Decoded {
  const out: Decoded = { values: [], lines: [] };
  const decoder = createNdjsonDecoder(
    {
      value: (value, line) => {
        out.values.push(value);
        out.lines.push(line);
      },
      error: (e) => (out.error = e),
    },
    options,
  );
  for (const piece of pieces) decoder.feed(piece);
  decoder.end();
  return out;
}

// Named fixture streams.
const OLLAMA_CHAT = 'ollama-chat-gemma3-plain.ndjson';
const OLLAMA_GENERATE = 'ollama-generate-dolphin3-context.ndjson';
const THREE_LINES = '{"n":1}\n{"n":2}\n{"n":3}\n';
const WITH_BLANK_LINES = '\n{"n":1}\n\n\r\n   \n\t\n{"n":2}\n\n';
const MULTI_BYTE_LINES = '{"t":"héllo"}\n{"t":"世界 🙂"}\n{"t": oops}\n{"t":"never"}\n';
const OLLAMA_STREAM_ERROR = '{"model":"llama3.2","message":{"role":"assistant","content":"Hi"},"done":false}\n{"error":"an error was encountered while running the model: unexpected EOF"}\n{"done":true}\n';

describe('NDJSON decoder', () => {
  it('each line is one parsed value, numbered from 1', () => {
    expect(decode([THREE_LINES])).toEqual({ values: [{ n: 1 }, { n: 2 }, { n: 3 }], lines: [1, 2, 3] });
  });

  it('lines split anywhere across pieces give the same values', () => {
    const body = utf8(THREE_LINES);
    const expected = decode([body]);
    for (const size of [1, 2, 3, 5, 8]) expect(decode(cut(body, size))).toEqual(expected);
  });

  it('a real Ollama chat stream decodes to one object per line, however it is cut', () => {
    const body = reference(OLLAMA_CHAT);
    const whole = decode([body]);
    expect(whole.error).toBeUndefined();
    expect(whole.values).toHaveLength(102);
    expect(whole.values.at(-1)).toMatchObject({ done: true, done_reason: 'stop' });
    expect(decode(cut(body, 1))).toEqual(whole);
    expect(decode(cut(body, 13))).toEqual(whole);
  });

  it('a real Ollama generate stream keeps its context array on the last line', () => {
    const whole = decode([reference(OLLAMA_GENERATE)]);
    expect(whole.error).toBeUndefined();
    expect(whole.values.at(-1)).toMatchObject({ done: true, context: expect.any(Array) });
  });

  it('CRLF line ends give the same values as LF', () => {
    expect(decode([THREE_LINES.replaceAll('\n', '\r\n')])).toEqual(decode([THREE_LINES]));
    expect(decode(cut(utf8(THREE_LINES.replaceAll('\n', '\r\n')), 1))).toEqual(decode([THREE_LINES]));
  });

  it('blank and whitespace-only lines are skipped but still counted as lines', () => {
    expect(decode([WITH_BLANK_LINES])).toEqual({ values: [{ n: 1 }, { n: 2 }], lines: [2, 7] });
  });

  it('a last line without a newline is decoded when the stream ends', () => {
    expect(decode(['{"n":1}\n{"n":2}']).values).toEqual([{ n: 1 }, { n: 2 }]);
    expect(decode(['{"n":1}\n{"n":', '2}\r']).values).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('UTF-8 characters split across pieces decode whole', () => {
    const body = utf8('{"t":"héllo wörld"}\n{"t":"世界 🙂 👩‍💻"}\n');
    const expected = [{ t: 'héllo wörld' }, { t: '世界 🙂 👩‍💻' }];
    for (const size of [1, 2, 3]) expect(decode(cut(body, size)).values).toEqual(expected);
  });

  it('a leading BOM is dropped; one later in the stream makes its line invalid', () => {
    const bom = new Uint8Array([0xef, 0xbb, 0xbf]);
    expect(decode(cut(concat(bom, utf8(THREE_LINES)), 1)).values).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    const later = concat(utf8('{"n":1}\n'), bom, utf8('{"n":2}\n'));
    for (const pieces of [[later], [later.slice(0, 8), later.slice(8)], cut(later, 1)]) {
      const decoded = decode(pieces);
      expect(decoded.values).toEqual([{ n: 1 }]);
      expect(decoded.error).toMatchObject({ code: 'parse', line: 2, offset: 8 });
    }
  });

  it('values that are not objects are passed on as they are', () => {
    expect(decode(['1\n"two"\nnull\n[3]\n']).values).toEqual([1, 'two', null, [3]]);
  });

  it('decodeNdjson emits the values and completes', async () => {
    expect(await lastValueFrom(from([utf8('{"n":1}\n{"n"'), ':2}']).pipe(decodeNdjson(), toArray()))).toEqual([{ n: 1 }, { n: 2 }]);
  });
});

describe('NDJSON decoder: errors', () => {
  it('a malformed line is a ParseError with its line number, exact byte offset and an excerpt', () => {
    const offset = byteLength('{"t":"héllo"}\n{"t":"世界 🙂"}\n');
    expect(offset).toBe(35); // 14 + 1 and 19 + 1 bytes: the multi-byte characters count as bytes
    for (const pieces of [[MULTI_BYTE_LINES], cut(utf8(MULTI_BYTE_LINES), 1), cut(utf8(MULTI_BYTE_LINES), 4)]) {
      const decoded = decode(pieces);
      expect(decoded.values).toEqual([{ t: 'héllo' }, { t: '世界 🙂' }]);
      expect(decoded.error).toBeInstanceOf(ParseError);
      expect(decoded.error).toMatchObject({ code: 'parse', line: 3, offset: 35, excerpt: '{"t": oops}' });
      expect(decoded.error!.message).toBe('Line 3 is not valid JSON (at line 3, byte 35), near: {"t": oops}');
    }
  });

  it('a malformed last line without a newline is reported when the stream ends', () => {
    expect(decode(['{"n":1}\n{"n":']).error).toMatchObject({ line: 2, offset: 8, excerpt: '{"n":' });
  });

  it('an {"error": "…"} line is a ProviderError carrying the message, after the lines before it', () => {
    const decoded = decode([OLLAMA_STREAM_ERROR]);
    expect(decoded.values).toHaveLength(1);
    expect(decoded.error).toBeInstanceOf(ProviderError);
    expect(decoded.error).toMatchObject({
      code: 'provider',
      providerMessage: 'an error was encountered while running the model: unexpected EOF',
      line: 2,
      offset: byteLength(OLLAMA_STREAM_ERROR.split('\n')[0]!) + 1,
    });
  });

  it('the Ollama HTTP 400 error body (one line, no newline) is a ProviderError', () => {
    expect(decode([reference('ollama-chat-http400-error-body.ndjson')]).error).toMatchObject({
      providerMessage: 'registry.ollama.ai/library/gemma3:1b does not support tools',
    });
  });

  it('invalid UTF-8 is a ParseError on the line that holds it, after the lines before it', () => {
    const head = utf8('{"t":"é"}\n{"n":2}\n{"t":"');
    const body = concat(head, new Uint8Array([0xc3, 0x28]), utf8('"}\n{"n":4}\n'));
    for (const pieces of [[body], cut(body, 1), cut(body, 7)]) {
      const decoded = decode(pieces);
      expect(decoded.values).toEqual([{ t: 'é' }, { n: 2 }]);
      expect(decoded.error).toBeInstanceOf(ParseError);
      expect(decoded.error).toMatchObject({ line: 3, offset: byteLength('{"t":"é"}\n{"n":2}\n') });
      expect(decoded.error!.message).toContain(`bad byte at offset ${head.length}`);
    }
  });
});

describe('NDJSON decoder: limits', () => {
  const options = { maxLineBytes: 16 };

  it('a line longer than maxLineBytes fails with a LimitError, even when it arrives in one piece', () => {
    const body = '{"n":1}\n{"s":"0123456789ab"}\n{"n":3}\n'; // the second line is 19 bytes
    for (const pieces of [[body], cut(utf8(body), 1), cut(utf8(body), 6)]) {
      const decoded = decode(pieces, options);
      expect(decoded.values).toEqual([{ n: 1 }]);
      expect(decoded.error).toBeInstanceOf(LimitError);
      expect(decoded.error).toMatchObject({ code: 'limit', limitName: 'maxLineBytes', limit: 16, line: 2, offset: 8 });
    }
  });

  it('the limit counts bytes, not characters', () => {
    expect(decode(['{"s":"ééééé"}\n'], options).error).toBeInstanceOf(LimitError); // 13 characters, 18 bytes
    expect(decode(['{"s":"éééé"}\n'], options).values).toEqual([{ s: 'éééé' }]); // 12 characters, 16 bytes
  });

  it('a line of exactly maxLineBytes passes, with its CR counted, however it is cut', () => {
    const exact = '{"s":"01234567"}\n'; // 16 bytes before the LF
    expect(decode([exact], options).values).toEqual([{ s: '01234567' }]);
    expect(decode(cut(utf8(exact), 1), options).values).toEqual([{ s: '01234567' }]);
    const withCr = '{"s":"01234567"}\r\n'; // 17 bytes before the LF
    expect(decode([withCr], options).error).toBeInstanceOf(LimitError);
    expect(decode(cut(utf8(withCr), 1), options).error).toBeInstanceOf(LimitError);
  });

  it('fails as soon as the pending bytes of an unterminated line exceed the limit, without buffering more', () => {
    const errors: ChunkwiseError[] = [];
    const decoder = createNdjsonDecoder({ value: () => {}, error: (e) => errors.push(e) }, options);
    const pieces = cut(utf8('{"s":"0123456789abcdefghijklmnopqrstuvwxyz"}'), 3);
    let fedBytes = 0;
    for (const piece of pieces) {
      decoder.feed(piece);
      fedBytes += piece.byteLength;
      if (errors.length > 0) break;
    }
    expect(fedBytes).toBe(18); // the first feed that took the pending line past 16 bytes
    expect(errors[0]).toMatchObject({ limitName: 'maxLineBytes', line: 1, offset: 0 });
  });

  it('a long unterminated tail after complete lines fails once those lines are delivered', () => {
    const decoded = decode(['{"n":1}\n{"s":"0123456789abcdef'], options);
    expect(decoded.values).toEqual([{ n: 1 }]);
    expect(decoded.error).toMatchObject({ limitName: 'maxLineBytes', line: 2, offset: 8 });
  });
});

describe('NDJSON decoder: damaged bodies under any cut', () => {
  /** Everything the decoder reports, errors as plain fields (message, line, offset, excerpt). */
  function report(pieces: Uint8Array[], options: NdjsonDecoderOptions, withUnterminated: boolean) {
    const out: { values: unknown[]; error?: Record<string, unknown>; unterminated?: Record<string, unknown> } = { values: [] };
    const fields = (e: ChunkwiseError) => ({ type: e.constructor.name, message: e.message, line: e.line, offset: e.offset, excerpt: e.excerpt });
    const decoder = createNdjsonDecoder(
      {
        value: (value, line) => out.values.push([line, value]),
        error: (e) => (out.error = fields(e)),
        ...(withUnterminated ? { unterminated: (text: string, e: ParseError) => (out.unterminated = { text, ...fields(e) }) } : {}),
      },
      options,
    );
    for (const piece of pieces) decoder.feed(piece);
    decoder.end();
    return out;
  }
  /** Byte offset of the start of line `n` (1-based): after the (n-1)th LF. */
  const lineStart = (bytes: Uint8Array, n: number) => {
    let at = 0;
    for (let i = 1; i < n; i++) at = bytes.indexOf(10, at) + 1;
    return at;
  };
  const unit = fc.oneof(fc.constantFrom('a', 'é', '世', '🙂', '"', '\\', ' ', '\r', '\uFEFF', '{', '}'), fc.string({ maxLength: 2 }));
  const body = fc
    .tuple(
      fc.boolean(),
      fc.array(fc.tuple(fc.oneof(fc.jsonValue({ maxDepth: 1 }).map((v) => JSON.stringify(v)), fc.string({ unit, maxLength: 12 })), fc.constantFrom('\n', '\r\n', '\n\n')), { maxLength: 6 }),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0x80, max: 0xff })), { maxLength: 2 }),
      fc.integer({ min: 0, max: 3 }),
    )
    .map(([bom, lines, damage, drop]) => {
      const bytes = utf8((bom ? '\uFEFF' : '') + lines.map(([text, end]) => text.replace(/\n/g, '') + end).join(''));
      if (bytes.length > 0) for (const [at, byte] of damage) bytes[at % bytes.length] = byte;
      return bytes.slice(0, Math.max(0, bytes.length - drop));
    });

  it('report the same values, error (message, line, offset, excerpt) and cut-off line as the whole body, each error where it belongs (property, seed 5)', () => {
    fc.assert(
      fc.property(body, fc.array(fc.nat(), { maxLength: 6 }), fc.option(fc.integer({ min: 1, max: 24 }), { nil: undefined }), fc.boolean(), (bytes, cuts, max, withUnterminated) => {
        const options = max === undefined ? {} : { maxLineBytes: max };
        const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const pieces = [0, ...points].map((from, i) => bytes.slice(from, [...points, bytes.length][i]));
        const whole = report([bytes], options, withUnterminated);
        expect(report(pieces, options, withUnterminated)).toEqual(whole);
        const failure = whole.error ?? whole.unterminated;
        if (!failure) return;
        const line = failure.line as number;
        const offset = failure.offset as number;
        const bad = /bad byte at offset (\d+)/.exec(failure.message as string);
        if (/ended inside a UTF-8 character/.test(failure.message as string)) {
          // The offset is the cut character's first byte: valid so far, and nothing after it completes it.
          expect(streamingDecoderAccepts(bytes.subarray(0, offset))).toBe(true);
          expect(bytes.indexOf(10, lineStart(bytes, line))).toBe(-1);
          return;
        }
        expect(offset).toBe(lineStart(bytes, line));
        if (bad) {
          // The first byte a streaming fatal decoder refuses, on that line, within the limit.
          const at = Number(bad[1]);
          expect(streamingDecoderAccepts(bytes.subarray(0, at))).toBe(true);
          // Refused within the next 4 bytes, or the body ends inside the character that starts there.
          const refused = !streamingDecoderAccepts(bytes.subarray(0, Math.min(bytes.length, at + 4)));
          expect(refused || (at + 4 > bytes.length && streamingDecoderAccepts(bytes))).toBe(true);
          expect(at).toBeGreaterThanOrEqual(offset);
          // Within the limit: before it, or (a character the body ends inside never counts) at it.
          if (max !== undefined) expect(at - offset).toBeLessThanOrEqual(streamingDecoderAccepts(bytes.subarray(at)) ? max : max - 1);
        }
        if (failure.type === 'LimitError') {
          const end = bytes.indexOf(10, offset);
          expect((end === -1 ? bytes.length : end) - offset).toBeGreaterThan(max!);
        }
      }),
      { seed: 5, numRuns: 3000 },
    );
  });

  it('one line, two problems: the first by position wins, however it is cut', () => {
    // (A character is counted once it is complete: the bytes that start one are not yet known to be valid.)
    const options = { maxLineBytes: 16 };
    // An invalid byte at line byte 20, past the limit: the line was too long first.
    const late = concat(utf8('{"n":1}\n{"s":"0123456789abc'), new Uint8Array([0xff]), utf8('"}\n'));
    // An invalid byte at line byte 6, well within it.
    const early = concat(utf8('{"n":1}\n{"s":"'), new Uint8Array([0xff]), utf8('0123456789abcdef"}\n'));
    for (const size of [1, 3, 7, 100]) {
      expect(report(cut(late, size), options, false)).toMatchObject({ values: [[1, { n: 1 }]], error: { type: 'LimitError', line: 2, offset: 8 } });
      expect(report(cut(early, size), options, false)).toMatchObject({ values: [[1, { n: 1 }]], error: { type: 'ParseError', line: 2, offset: 8, excerpt: '{"s":"\uFFFD' } });
    }
  });

  it('a BOM starts line 1 and counts towards its bytes, however it is cut', () => {
    const body = utf8('\uFEFF{"s":"01234567"}\n'); // 16 bytes of JSON after the 3-byte BOM
    for (const size of [1, 2, 100]) {
      expect(report(cut(body, size), { maxLineBytes: 19 }, false)).toEqual({ values: [[1, { s: '01234567' }]] });
      expect(report(cut(body, size), { maxLineBytes: 18 }, false).error).toMatchObject({ type: 'LimitError', line: 1, offset: 0 });
    }
  });
});
