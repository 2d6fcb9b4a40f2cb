import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLogprobStore, isUtf8Of } from '../../src/assembly/logprob-store.js';

const utf8 = (s: string) => [...new TextEncoder().encode(s)];
const part = (token: string, logprob: number) => ({ token, logprob, bytes: utf8(token) });
const standard = (token: string, logprob: number, alternatives: Array<[string, number]>) => ({
  token,
  logprob,
  bytes: utf8(token),
  top_logprobs: alternatives.map(([t, l]) => part(t, l)),
});

/** Tokens in the documented shape, and every kind of departure from it. */
const tokenText = fc.oneof(fc.constantFrom(' the', 'a', ' 🎉', '\n', ''), fc.string({ maxLength: 6 }), fc.string({ unit: 'grapheme', maxLength: 3 }));
const logprob = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true, max: 0 }), fc.constant(-0));
const standardToken = fc
  .tuple(tokenText, logprob, fc.array(fc.tuple(tokenText, logprob), { maxLength: 6 }))
  .map(([t, l, alts]) => standard(t, l, alts));
/** The usual case: the sampled token is also the first alternative. */
const sampledFirst = standardToken.map((t) => ({ ...t, top_logprobs: [{ token: t.token, logprob: t.logprob, bytes: t.bytes.slice() }, ...t.top_logprobs] }));
const oddToken = fc.oneof(
  // first alternative equal but for the sign of a zero logprob: not the same number
  standardToken.map((t) => ({ ...t, logprob: 0, top_logprobs: [{ token: t.token, logprob: -0, bytes: t.bytes.slice() }] })),
  standardToken.map((t) => ({ ...t, bytes: null })),
  // the sampled token again as first alternative, but not quite: an extra key, other bytes
  standardToken.map((t) => ({ ...t, top_logprobs: [{ token: t.token, logprob: t.logprob, bytes: t.bytes.slice(), extra: 1 }] })),
  standardToken.map((t) => ({ ...t, top_logprobs: [{ token: t.token, logprob: t.logprob, bytes: null }, ...t.top_logprobs] })),
  standardToken.map((t) => ({ ...t, top_logprobs: [{ token: t.token, logprob: t.logprob, bytes: [...t.bytes, 0] }] })),
  standardToken.map((t) => ({ ...t, top_logprobs: [{ token: t.token, logprob: t.logprob, bytes: t.bytes.slice(1) }] })),
  // both without bytes: the same token again
  standardToken.map((t) => ({ ...t, bytes: null, top_logprobs: [{ token: t.token, logprob: t.logprob, bytes: null }, ...t.top_logprobs] })),
  standardToken.map(({ top_logprobs: _, ...t }) => t),
  standardToken.map((t) => ({ ...t, extra: 'field' })),
  standardToken.map((t) => ({ ...t, bytes: [...t.bytes, 0] })), // bytes that are not its token's UTF-8
  standardToken.map((t) => ({ ...t, top_logprobs: null })),
  standardToken.map((t) => ({ logprob: t.logprob, token: t.token, bytes: t.bytes })), // other key order
  standardToken.map((t) => ({ ...t, top_logprobs: [{ token: 'x', logprob: -1 }] })), // no bytes
  standardToken.map((t) => ({ ...t, logprob: String(t.logprob) })),
  fc.jsonValue(),
);

describe('createLogprobStore', () => {
  it('hands back every token as pushed (any shape), as plain JSON-equal objects, for every prefix', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof({ weight: 3, arbitrary: standardToken }, { weight: 2, arbitrary: sampledFirst }, { weight: 1, arbitrary: oddToken }), { maxLength: 40 }), (tokens) => {
        const store = createLogprobStore<unknown>();
        const copies = tokens.map((t) => structuredClone(t));
        for (const t of tokens) store.push(t);
        expect(store.length).toBe(tokens.length);
        expect(store.toArray()).toEqual(copies);
        const cut = Math.floor(tokens.length / 2);
        expect(store.toArray(cut)).toEqual(copies.slice(0, cut));
      }),
      { seed: 42, numRuns: 600 },
    );
  });

  it('writes a documented-shape token back in the documented key order, byte for byte', () => {
    const store = createLogprobStore();
    const token = standard(' Hi', -0.25, [[' Hi', -0.25], [' Hello', -1.5e-7]]);
    store.push(token);
    store.push({ token: 'x', logprob: -0, bytes: null, top_logprobs: [] });
    expect(JSON.stringify(store.toArray())).toBe(JSON.stringify([token, { token: 'x', logprob: -0, bytes: null, top_logprobs: [] }]));
    expect(Object.is(store.toArray()[1]!.logprob, -0)).toBe(true);
  });

  it('keeps no reference to the pushed objects: changing them later changes nothing', () => {
    const store = createLogprobStore();
    const token = standard('a', -1, [['a', -1], ['b', -2]]);
    store.push(token);
    token.token = 'changed';
    token.bytes.push(1);
    token.top_logprobs[1]!.logprob = 0;
    expect(store.toArray()).toEqual([standard('a', -1, [['a', -1], ['b', -2]])]);
  });

  it('shares one frozen bytes array between equal tokens, and builds fresh objects on every read', () => {
    const store = createLogprobStore();
    store.push(standard('ab', -1, [['ab', -1]]));
    store.push(standard('ab', -2, []));
    const [first, second] = store.toArray();
    expect(first!.bytes).toBe(second!.bytes);
    expect(first!.top_logprobs![0]!.bytes).toBe(first!.bytes);
    expect(Object.isFrozen(first!.bytes)).toBe(true);
    expect(store.toArray()[0]).not.toBe(first);
  });

  it('keeps a token whose bytes are not its string\'s UTF-8 (part of a character) as it came', () => {
    const store = createLogprobStore();
    const part = { token: 'bytes:\\xe2\\x80', logprob: -2, bytes: [226, 128], top_logprobs: [] };
    store.push(standard('ab', -1, []));
    store.push(part);
    expect(store.toArray()[1]).toBe(part);
  });
});

describe('the first alternative stored once', () => {
  it('gives back an equal, separate first alternative, and tells -0 from 0', () => {
    const store = createLogprobStore();
    store.push({ token: 'a', logprob: -0.5, bytes: [97], top_logprobs: [{ token: 'a', logprob: -0.5, bytes: [97] }, { token: 'b', logprob: -2, bytes: [98] }] });
    store.push({ token: 'z', logprob: 0, bytes: [122], top_logprobs: [{ token: 'z', logprob: -0, bytes: [122] }] });
    const [first, second] = store.toArray();
    expect(first!.top_logprobs).toEqual([{ token: 'a', logprob: -0.5, bytes: [97] }, { token: 'b', logprob: -2, bytes: [98] }]);
    expect(first!.top_logprobs![0]).not.toBe(first);
    expect(Object.is(second!.logprob, 0)).toBe(true);
    expect(Object.is(second!.top_logprobs![0]!.logprob, -0)).toBe(true);
  });
});

describe('LogprobStore.seal', () => {
  it('builds the whole list once for the final object; later reads get equal copies sharing the tokens', () => {
    const store = createLogprobStore();
    const tokens = Array.from({ length: 10_000 }, (_, i) => standard(`t${i % 37}`, -i / 1000, [[`t${i % 37}`, -i / 1000], ['x', -9]]));
    for (const t of tokens) store.push(structuredClone(t));
    const prefix = store.toArray(3);
    const sealed = store.seal();
    expect(sealed).toEqual(tokens);
    expect(prefix).toEqual(tokens.slice(0, 3));
    const again = store.toArray(5);
    expect(again).toEqual(tokens.slice(0, 5));
    expect(again[4]).toBe(sealed[4]);
    expect(store.seal()).not.toBe(sealed);
    expect(store.seal()).toEqual(sealed);
    expect(() => store.push(tokens[0]!)).toThrow(/sealed/);
  });
});

describe('isUtf8Of', () => {
  it('agrees with TextEncoder for any string (lone surrogates included) and any near miss', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 12 }), fc.nat(), (s, n) => {
        const bytes = utf8(s);
        expect(isUtf8Of(s, bytes)).toBe(true);
        expect(isUtf8Of(s, [...bytes, 0])).toBe(false);
        if (bytes.length > 0) {
          const changed = bytes.slice();
          changed[n % bytes.length] = (changed[n % bytes.length]! + 1) % 256;
          expect(isUtf8Of(s, changed)).toBe(false);
          expect(isUtf8Of(s, bytes.slice(0, -1))).toBe(false);
        }
      }),
      { seed: 42, numRuns: 2000 },
    );
  });
});
