import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { assemble } from '../../src/index.js';
import { comparable, loadCorpus, outcomeOf, summarize, type Outcome, type Recording } from '../helpers/robustness-corpus.js';
import { cutPlan, describePlan, piecesOf, sourceOf } from '../helpers/robustness-cuts.js';

/*
 * Rechunking: however a body is cut into pieces (down to one byte; biased towards cuts through
 * multi-byte characters, CRLF pairs, `data:` prefixes, `\uXXXX` escapes and `[DONE]`), and
 * whatever kind of source delivers them, `assemble` gives exactly the one-piece outcome: the same
 * final object (key order included), or the same error (class, code, message, position, partial).
 * And the one-piece outcome is the recording's `.expected.json`.
 *
 * Deterministic: every recording has a fixed seed; a failure prints it with the shrunk cut plan.
 */

const SEED = 0x5eed_c0de;
const RUNS = 100;
const corpus = loadCorpus();

/** Synthetic variants whose result must equal their original's: a BOM, CRLF line ends. */
function variants(): Array<Recording & { original: string }> {
  const out: Array<Recording & { original: string }> = [];
  const bom = Uint8Array.of(0xef, 0xbb, 0xbf);
  for (const name of ['recordings/openai-text.sse', 'recordings/ollama-chat-text.ndjson', 'recordings/ollama-chat-logprobs.ndjson']) {
    const r = corpus.find((c) => c.name === name);
    if (!r) continue;
    const withBom = new Uint8Array(bom.length + r.body.length);
    withBom.set(bom);
    withBom.set(r.body, bom.length);
    out.push({ ...r, name: `bom+${r.name}`, body: withBom, original: r.name });
    const crlf = new TextEncoder().encode(new TextDecoder().decode(r.body).replace(/\r?\n/g, '\r\n'));
    out.push({ ...r, name: `crlf+${r.name}`, body: crlf, original: r.name });
  }
  return out;
}

function seedOf(name: string): number {
  let h = SEED;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h | 0;
}

async function oneShot(body: Uint8Array): Promise<Outcome> {
  return outcomeOf(() => assemble(body));
}

/** Throws a short failure (both outcomes, where their JSON first differs) unless `got` is the baseline. */
function sameOutcome(got: Outcome, baseline: Outcome, want: unknown, what: string): void {
  const have = comparable(got);
  if (isDeepStrictEqual(have, want)) return;
  const a = JSON.stringify(have);
  const b = JSON.stringify(want);
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  throw new Error(`${what}:\n  got  ${summarize(got)}\n  want ${summarize(baseline)}\n  first difference at char ${i}: got …${a.slice(Math.max(0, i - 60), i + 60)}… want …${b.slice(Math.max(0, i - 60), i + 60)}…`);
}

function checkExpected(recording: Recording, outcome: Outcome): void {
  const expected = recording.expected;
  if (expected === undefined) return;
  if (expected.kind === 'final') {
    expect(outcome.ok ? undefined : summarize(outcome), recording.name).toBeUndefined();
    // Deep equality; the key order is the providers' own recordings tests' business.
    expect((outcome as { value: unknown }).value).toStrictEqual(expected.value);
  } else if (expected.kind === 'subset') {
    expect(outcome.ok ? undefined : summarize(outcome), recording.name).toBeUndefined();
    expect((outcome as { value: unknown }).value).toMatchObject(expected.value);
  } else {
    expect(outcome.ok, `${recording.name} must fail`).toBe(false);
    const error = (outcome as { error: any }).error;
    if (expected.error.code === 'truncated') expect(error.code).toBe('truncated');
    else {
      expect(error.code).toBe('provider');
      expect(error.providerMessage).toBe(expected.error.message);
      if (typeof error.payload.error === 'object') expect(error.payload.error).toEqual(expected.error);
    }
    expect(error.partial).toStrictEqual(expected.partial);
  }
}

describe('rechunking: any cut gives the one-piece outcome, which is the expected one', () => {
  test('the corpus is there', () => {
    expect(corpus.filter((r) => r.name.startsWith('recordings/')).length).toBeGreaterThanOrEqual(29);
  });

  test.each(corpus.map((r) => [r.name, r] as const))('%s', async (_name, recording) => {
    const baseline = await oneShot(recording.body);
    checkExpected(recording, baseline);
    const want = comparable(baseline);
    await fc.assert(
      fc.asyncProperty(cutPlan(recording.body), async (plan) => {
        const got = await outcomeOf(() => assemble(sourceOf(piecesOf(recording.body, plan), plan.source)));
        sameOutcome(got, baseline, want, `${recording.name}, ${describePlan(plan)}`);
      }),
      { seed: seedOf(recording.name), numRuns: RUNS },
    );
  });

  test.each(variants().map((r) => [r.name, r] as const))('%s equals its original', async (_name, variant) => {
    const original = corpus.find((c) => c.name === variant.original)!;
    const baseline = await oneShot(original.body);
    const want = comparable(baseline);
    sameOutcome(await oneShot(variant.body), baseline, want, `${variant.name} in one piece`);
    await fc.assert(
      fc.asyncProperty(cutPlan(variant.body), async (plan) => {
        const got = await outcomeOf(() => assemble(sourceOf(piecesOf(variant.body, plan), plan.source)));
        sameOutcome(got, baseline, want, `${variant.name}, ${describePlan(plan)}`);
      }),
      { seed: seedOf(variant.name), numRuns: RUNS },
    );
  });

  test('a BOM cut after its first byte does not make an NDJSON body look like SSE', async () => {
    const original = corpus.find((c) => c.name === 'recordings/ollama-chat-text.ndjson')!;
    const body = new Uint8Array([0xef, 0xbb, 0xbf, ...original.body]);
    const baseline = await oneShot(original.body);
    const want = comparable(baseline);
    for (const first of [1, 2, 3, 4]) {
      const got = await outcomeOf(() => assemble([body.slice(0, first), body.slice(first)]));
      sameOutcome(got, baseline, want, `BOM cut after byte ${first}`);
    }
    const bytewise = await outcomeOf(() => assemble(Array.from(body.subarray(0, 8), (b) => Uint8Array.of(b)).concat(body.slice(8))));
    sameOutcome(bytewise, baseline, want, 'BOM fed byte by byte');
  });
});
