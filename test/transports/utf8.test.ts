import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Utf8Carry, firstInvalidUtf8, incompleteUtf8Suffix } from '../../src/transports/utf8.js';

const fatal = new TextDecoder('utf-8', { fatal: true });
const isValid = (bytes: Uint8Array) => {
  try {
    fatal.decode(bytes);
    return true;
  } catch {
    return false;
  }
};
const utf8 = (text: string) => new TextEncoder().encode(text);

/** Bytes that are mostly valid UTF-8 with a few wrong bytes: where the interesting cases are. */
const nearlyValid = fc
  .tuple(fc.string({ unit: 'binary', maxLength: 12 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0x80, max: 0xff })), { maxLength: 2 }))
  .map(([text, damage]) => {
    const bytes = utf8(text);
    for (const [at, byte] of damage) if (bytes.length > 0) bytes[at % bytes.length] = byte;
    return bytes;
  });

describe('UTF-8 error location', () => {
  it('finds an invalid byte exactly where a fatal TextDecoder gives up (property, seed 42)', () => {
    fc.assert(
      fc.property(fc.oneof(nearlyValid, fc.uint8Array({ maxLength: 12 })), (bytes) => {
        const bad = firstInvalidUtf8(bytes, true);
        expect(bad === -1).toBe(isValid(bytes));
        if (bad !== -1) {
          expect(isValid(bytes.subarray(0, bad))).toBe(true);
          // No longer prefix is valid up to a character boundary past `bad`.
          for (let end = bad + 1; end <= Math.min(bytes.length, bad + 4); end++) expect(isValid(bytes.subarray(0, end))).toBe(false);
        }
      }),
      { seed: 42, numRuns: 2000 },
    );
  });

  it('rejects overlongs, surrogates and code points above U+10FFFF', () => {
    expect(firstInvalidUtf8(new Uint8Array([0x41, 0xc0, 0x80]), true)).toBe(1);
    expect(firstInvalidUtf8(new Uint8Array([0xe0, 0x80, 0x80]), true)).toBe(0);
    expect(firstInvalidUtf8(new Uint8Array([0xed, 0xa0, 0x80]), true)).toBe(0);
    expect(firstInvalidUtf8(new Uint8Array([0xf4, 0x90, 0x80, 0x80]), true)).toBe(0);
  });

  it('an incomplete character at the end is only invalid when the bytes are final', () => {
    expect(firstInvalidUtf8(new Uint8Array([0x61, 0xe4, 0xb8]), false)).toBe(-1);
    expect(firstInvalidUtf8(new Uint8Array([0x61, 0xe4, 0xb8]), true)).toBe(1);
  });

  it('counts the bytes of a character that has not ended yet', () => {
    expect(incompleteUtf8Suffix(utf8('abc'))).toBe(0);
    expect(incompleteUtf8Suffix(utf8('a🙂'))).toBe(0);
    expect(incompleteUtf8Suffix(utf8('a🙂').subarray(0, 4))).toBe(3);
    expect(incompleteUtf8Suffix(utf8('a世').subarray(0, 2))).toBe(1);
    expect(incompleteUtf8Suffix(utf8('é').subarray(0, 1))).toBe(1);
    expect(incompleteUtf8Suffix(new Uint8Array(0))).toBe(0);
  });
});

describe('Utf8Carry', () => {
  it('lets through whole characters only: every piece decodes on its own, and together they are the text, under any cut (property, seed 3)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), fc.array(fc.nat(), { maxLength: 8 }), (text, cuts) => {
        const bytes = utf8(text);
        const points = [0, ...cuts.map((c) => c % (bytes.length + 1)).sort((a, b) => a - b), bytes.length];
        const carry = new Utf8Carry();
        let decoded = '';
        for (let i = 1; i < points.length; i++) {
          const region = carry.take(bytes.slice(points[i - 1], points[i]));
          expect(isValid(region)).toBe(true);
          decoded += fatal.decode(region);
          expect(carry.length).toBeLessThanOrEqual(3);
        }
        expect(carry.held).toBeUndefined();
        expect(decoded).toBe(text);
      }),
      { seed: 3, numRuns: 1000 },
    );
  });

  it('holds back only a valid start of a character: an invalid byte at the end is let through, to fail at once', () => {
    const carry = new Utf8Carry();
    expect([...carry.take(new Uint8Array([0x61, 0xe4, 0xb8]))]).toEqual([0x61]);
    expect(carry.length).toBe(2);
    expect([...carry.take(new Uint8Array([0x96]))]).toEqual([0xe4, 0xb8, 0x96]); // 世
    expect([...carry.take(new Uint8Array([0x61, 0xe0, 0x80]))]).toEqual([0x61, 0xe0, 0x80]); // E0 80: never valid
    expect(carry.held).toBeUndefined();
  });
});
