import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bodyFormat, messageEnds } from '../../src/replay/message-boundaries.js';

const encode = (text: string) => new TextEncoder().encode(text);
const split = (text: string, format: 'sse' | 'ndjson') => {
  const bytes = encode(text);
  let start = 0;
  return messageEnds(bytes, format).map((end) => {
    const part = new TextDecoder().decode(bytes.subarray(start, end));
    start = end;
    return part;
  });
};

describe('messageEnds', () => {
  it('splits SSE after each blank line, with LF, CRLF and CR line ends', () => {
    expect(split('data: a\n\ndata: b\r\n\r\nevent: x\rdata: c\r\r', 'sse')).toEqual(['data: a\n\n', 'data: b\r\n\r\n', 'event: x\rdata: c\r\r']);
  });

  it('keeps multi-line events and comments whole', () => {
    expect(split(': ping\n\ndata: line 1\ndata: line 2\n\n', 'sse')).toEqual([': ping\n\n', 'data: line 1\ndata: line 2\n\n']);
  });

  it('puts stray blank lines with the next event, and trailing ones with the last', () => {
    expect(split('\n\ndata: a\n\n\n\ndata: b\n\n\n', 'sse')).toEqual(['\n\ndata: a\n\n', '\n\ndata: b\n\n\n']);
  });

  it('ends an unterminated last event at the end of the body', () => {
    expect(split('data: a\n\ndata: b', 'sse')).toEqual(['data: a\n\n', 'data: b']);
    expect(split('data: a\n\ndata: b\n', 'sse')).toEqual(['data: a\n\n', 'data: b\n']);
  });

  it('splits NDJSON after every line, keeping a last line without newline', () => {
    expect(split('{"a":1}\n{"b":"é"}\r\n{"c":3}', 'ndjson')).toEqual(['{"a":1}\n', '{"b":"é"}\r\n', '{"c":3}']);
  });

  it('returns no messages for an empty body', () => {
    expect(messageEnds(new Uint8Array(0), 'sse')).toEqual([]);
  });

  it('property: ends increase strictly and the last is the body length', () => {
    const text = fc.array(fc.constantFrom('data: x', '\n', '\r', '\r\n', '{"a":1}', ' ', 'é'), { maxLength: 30 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(text, fc.constantFrom<'sse' | 'ndjson'>('sse', 'ndjson'), (body, format) => {
        const bytes = encode(body);
        const ends = messageEnds(bytes, format);
        for (let i = 1; i < ends.length; i++) expect(ends[i]!).toBeGreaterThan(ends[i - 1]!);
        expect(ends.at(-1) ?? 0).toBe(bytes.length);
      }),
    );
  });
});

describe('bodyFormat', () => {
  it('trusts the content type, then sniffs the first non-blank byte', () => {
    expect(bodyFormat({ body: encode('{"a":1}\n'), meta: { contentType: 'text/event-stream; charset=utf-8' } })).toBe('sse');
    expect(bodyFormat({ body: encode('data: x\n\n'), meta: { headers: { 'content-type': 'application/x-ndjson' } } })).toBe('ndjson');
    expect(bodyFormat({ body: encode('\n {"a":1}\n') })).toBe('ndjson');
    expect(bodyFormat({ body: encode('data: x\n\n') })).toBe('sse');
  });
});
