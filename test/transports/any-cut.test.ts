import { readFileSync, readdirSync } from 'node:fs';
import type { Transform } from 'node:stream';
import fc from 'fast-check';
import ndjson from 'ndjson';
import { describe, expect, it } from 'vitest';
import type { ChunkwiseError } from '../../src/errors.js';
import { createNdjsonDecoder } from '../../src/transports/ndjson.js';
import { createSseDecoder, type SseMessage } from '../../src/transports/sse.js';

/*
 * Properties: for any body and any way of cutting it into pieces (down to one byte, through
 * multi-byte characters and CRLF pairs) the decoders report exactly the same thing. Seeds are
 * fixed so the suite is deterministic; a failure prints the seed, the shrunk counter-example
 * and the path to replay it (`fc.assert(…, { seed, path })`).
 */

const REFERENCE = new URL('../fixtures/reference-streams/', import.meta.url);
const referenceFiles = (ext: string) => readdirSync(REFERENCE).filter((name) => name.endsWith(ext));
const reference = (name: string) => new Uint8Array(readFileSync(new URL(name, REFERENCE)));
const utf8 = (text: string) => new TextEncoder().encode(text);

// ---- cutting -------------------------------------------------------------------------------

/** Either one byte per piece, or cuts at arbitrary positions (empty pieces included). */
const cutting = fc.oneof(
  { weight: 1, arbitrary: fc.constant('every byte' as const) },
  { weight: 5, arbitrary: fc.array(fc.nat(), { maxLength: 30 }) },
);

function cutAt(bytes: Uint8Array, how: 'every byte' | number[]): Uint8Array[] {
  const positions =
    how === 'every byte' ? Array.from({ length: bytes.length + 1 }, (_, i) => i) : [0, ...how.map((n) => n % (bytes.length + 1)).sort((a, b) => a - b), bytes.length];
  const pieces: Uint8Array[] = [];
  for (let i = 1; i < positions.length; i++) pieces.push(bytes.slice(positions[i - 1], positions[i]));
  return pieces;
}

// ---- text ----------------------------------------------------------------------------------

/** Printable ASCII, multi-byte characters (2, 3 and 4 bytes, a ZWJ sequence), quotes, tabs, a mid-text BOM. */
const unit = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) },
  { weight: 3, arbitrary: fc.constantFrom('é', 'ß', 'ж', '世', '界', '€', '🙂', '👩‍💻', '\u00a0', '\u2028', '\t', '"', '\\', '\uFEFF') },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }).filter((s) => !/[\r\n\0]/.test(s)) },
);
const text = (maxLength: number) => fc.string({ unit, maxLength });

const lineEnd = fc.constantFrom('\n', '\r\n', '\r');

// ---- SSE bodies ------------------------------------------------------------------------------

interface GeneratedEvent {
  comments: string[];
  retry: boolean;
  event: string | undefined;
  id: string | undefined;
  data: string[];
}

const sseEvent: fc.Arbitrary<GeneratedEvent> = fc.record({
  comments: fc.array(text(20), { maxLength: 2 }),
  retry: fc.boolean(),
  event: fc.constantFrom(undefined, undefined, 'message', 'delta', 'ping'),
  id: fc.option(text(10), { nil: undefined }),
  data: fc.array(text(40), { minLength: 1, maxLength: 3 }),
});

interface GeneratedSse {
  body: Uint8Array;
  expected: { messages: SseMessage[]; done?: number };
}

const sseBody: fc.Arbitrary<GeneratedSse> = fc
  .record({
    bom: fc.boolean(),
    events: fc.array(sseEvent, { maxLength: 8 }),
    ends: fc.array(lineEnd, { minLength: 80, maxLength: 80 }),
    done: fc.boolean(),
    unterminatedLast: fc.boolean(),
  })
  .map(({ bom, events, ends, done, unterminatedLast }) => {
    const lines: string[] = [];
    const messages: SseMessage[] = [];
    events.forEach((e, index) => {
      for (const c of e.comments) lines.push(`:${c}`);
      if (e.retry) lines.push('retry: 1500');
      if (e.event !== undefined) lines.push(`event: ${e.event}`);
      if (e.id !== undefined) lines.push(`id: ${e.id}`);
      for (const d of e.data) lines.push(d.startsWith(' ') ? `data: ${d}` : `data:${d}`);
      lines.push('');
      const data = e.data.join('\n');
      // Keep-alives: `event: ping`, and data that is empty or only ASCII blanks.
      if (e.event !== 'ping' && !/^[ \t\n]*$/.test(data)) messages.push({ event: e.event, data, id: e.id, number: index + 1 });
    });
    if (done) lines.push('data: [DONE]', '', 'data: {"after":"done"}', '');
    else if (unterminatedLast && lines.length > 0) lines.pop();
    let wire = bom ? '\uFEFF' : '';
    lines.forEach((line, i) => {
      let end = ends[i % ends.length]!;
      // A CR line end followed by an empty LF line would read as one CRLF: keep the empty line.
      if (line === '' && wire.endsWith('\r') && end === '\n') end = '\r\n';
      wire += line + end;
    });
    return { body: utf8(wire), expected: done ? { messages, done: events.length + 1 } : { messages } };
  });

function decodeSse(pieces: Uint8Array[]) {
  const out: { messages: SseMessage[]; done?: number; error?: ChunkwiseError } = { messages: [] };
  const decoder = createSseDecoder({ message: (m) => out.messages.push(m), done: (n) => (out.done = n), error: (e) => (out.error = e) });
  for (const piece of pieces) decoder.feed(piece);
  decoder.end();
  return out;
}

// ---- NDJSON bodies ---------------------------------------------------------------------------

/** An object like Ollama's (never one the decoder would take for an error payload). */
const ndjsonObject = fc
  .dictionary(text(8), fc.jsonValue({ maxDepth: 2, stringUnit: unit }), { maxKeys: 5 })
  .filter((o) => !('error' in o) && o.object !== 'error');

interface GeneratedNdjson {
  body: Uint8Array;
  values: unknown[];
}

const ndjsonBody = (options: { whitespaceLines: boolean; anyValue: boolean }): fc.Arbitrary<GeneratedNdjson> =>
  fc
    .record({
      lines: fc.array(
        fc.record({
          value: options.anyValue ? fc.oneof(ndjsonObject, fc.jsonValue({ maxDepth: 1, stringUnit: unit })) : ndjsonObject,
          blankBefore: fc.constantFrom(...(options.whitespaceLines ? ['', '', '\n', '\n\n', '  \n', '\t\r\n'] : ['', '', '\n', '\r\n\n'])),
          pad: fc.boolean(),
          end: fc.constantFrom('\n', '\r\n'),
        }),
        { maxLength: 10 },
      ),
      lastNewline: fc.boolean(),
    })
    .map(({ lines, lastNewline }) => {
      let wire = '';
      lines.forEach((l, i) => {
        const json = JSON.stringify(l.value);
        wire += l.blankBefore + (l.pad ? ` ${json} ` : json) + (i === lines.length - 1 && !lastNewline ? '' : l.end);
      });
      return { body: utf8(wire), values: lines.map((l) => JSON.parse(JSON.stringify(l.value)) as unknown) };
    });

function decodeNdjson(pieces: Uint8Array[]) {
  const out: { values: unknown[]; error?: ChunkwiseError } = { values: [] };
  const decoder = createNdjsonDecoder({ value: (v) => out.values.push(v), error: (e) => (out.error = e) });
  for (const piece of pieces) decoder.feed(piece);
  decoder.end();
  return out;
}

/** The `ndjson` package (split2 + JSON.parse, strict mode) over the same pieces. */
function viaNdjsonPackage(pieces: Uint8Array[]): Promise<{ values: unknown[]; error?: Error }> {
  return new Promise((resolve) => {
    const values: unknown[] = [];
    const parser = ndjson.parse() as unknown as Transform;
    parser.on('data', (value: unknown) => values.push(value));
    parser.on('error', (error: Error) => resolve({ values, error }));
    parser.on('end', () => resolve({ values }));
    for (const piece of pieces) parser.write(Buffer.from(piece));
    parser.end();
  });
}

// ---- properties ------------------------------------------------------------------------------

describe('decoding does not depend on how the body was cut', () => {
  it('SSE: any generated body decodes to its events, and any cut of it to the same', () => {
    fc.assert(
      fc.property(sseBody, cutting, ({ body, expected }, how) => {
        const whole = decodeSse([body]);
        expect(whole).toEqual(expected);
        expect(decodeSse(cutAt(body, how))).toEqual(whole);
      }),
      { seed: 42, numRuns: 600 },
    );
  });

  it('SSE: every reference stream decodes the same under any cut', () => {
    for (const name of referenceFiles('.sse')) {
      const body = reference(name);
      const whole = decodeSse([body]);
      expect(whole.error, name).toBeUndefined();
      expect(whole.done, name).toBe(whole.messages.length + 1);
      fc.assert(
        fc.property(cutting, (how) => {
          expect(decodeSse(cutAt(body, how))).toEqual(whole);
        }),
        { seed: 42, numRuns: 25 },
      );
    }
  });

  it('NDJSON: any generated body decodes to its values, and any cut of it to the same', () => {
    fc.assert(
      fc.property(ndjsonBody({ whitespaceLines: true, anyValue: true }), cutting, ({ body, values }, how) => {
        const whole = decodeNdjson([body]);
        expect(whole).toEqual({ values });
        expect(decodeNdjson(cutAt(body, how))).toEqual(whole);
      }),
      { seed: 42, numRuns: 600 },
    );
  });

  it('NDJSON: every reference stream decodes the same under any cut', () => {
    for (const name of referenceFiles('.ndjson')) {
      const body = reference(name);
      const whole = decodeNdjson([body]);
      fc.assert(
        fc.property(cutting, (how) => {
          expect(decodeNdjson(cutAt(body, how))).toEqual(whole);
        }),
        { seed: 42, numRuns: 25 },
      );
    }
  });
});

describe('the NDJSON decoder agrees with the ndjson package', () => {
  it('on every reference stream that is not an error body', async () => {
    for (const name of referenceFiles('.ndjson').filter((n) => !n.includes('error'))) {
      const body = reference(name);
      const theirs = await viaNdjsonPackage([body]);
      expect(theirs.error, name).toBeUndefined();
      expect(decodeNdjson([body]), name).toEqual({ values: theirs.values });
    }
  });

  it('on generated bodies of objects, with CRLF, empty lines and any cut', async () => {
    // Empty lines only: the package fails on whitespace-only lines (see below).
    await fc.assert(
      fc.asyncProperty(ndjsonBody({ whitespaceLines: false, anyValue: false }), cutting, async ({ body }, how) => {
        const pieces = cutAt(body, how);
        const theirs = await viaNdjsonPackage(pieces);
        expect(theirs.error).toBeUndefined();
        expect(decodeNdjson(pieces)).toEqual({ values: theirs.values });
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it('both fail on a malformed line, after the same values', async () => {
    const pieces = cutAt(utf8('{"n":1}\r\n{"n":2}\n{"n": oops}\n'), [3, 11]);
    const theirs = await viaNdjsonPackage(pieces);
    const ours = decodeNdjson(pieces);
    expect(theirs.error).toBeDefined();
    expect(ours.error).toMatchObject({ code: 'parse', line: 3 });
    expect(ours.values).toEqual(theirs.values);
  });

  // Where the two differ on purpose:
  it('differs: a whitespace-only line is skipped here, while the package (strict) fails on it', async () => {
    const body = utf8('{"n":1}\n   \n{"n":2}\n');
    expect((await viaNdjsonPackage([body])).error?.message).toContain('Could not parse row');
    expect(decodeNdjson([body])).toEqual({ values: [{ n: 1 }, { n: 2 }] });
  });

  it('differs: a `null` line is a value here, while it ends the package\'s object stream', async () => {
    const body = utf8('{"n":1}\nnull\n{"n":2}\n');
    expect((await viaNdjsonPackage([body])).values).toEqual([{ n: 1 }]);
    expect(decodeNdjson([body])).toEqual({ values: [{ n: 1 }, null, { n: 2 }] });
  });

  it('differs: invalid UTF-8 is a ParseError here, while the package reads it as U+FFFD', async () => {
    const body = new Uint8Array([...utf8('{"s":"'), 0xff, ...utf8('"}\n')]);
    expect((await viaNdjsonPackage([body])).values).toEqual([{ s: '\uFFFD' }]);
    expect(decodeNdjson([body]).error).toMatchObject({ code: 'parse', line: 1, offset: 0 });
  });

  it('differs: a leading BOM is dropped here, while the package fails on the first line', async () => {
    const body = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('{"n":1}\n')]);
    expect((await viaNdjsonPackage([body])).error).toBeDefined();
    expect(decodeNdjson([body])).toEqual({ values: [{ n: 1 }] });
  });
});
