/**
 * Truncation at every byte offset: `assemble(body.subarray(0, n))` for every `n` of the small
 * recordings (sampled offsets for bodies of 8 KB and more), strict and lenient. Shared by the
 * shard files so that vitest runs the shards in parallel.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { assemble } from '../../src/index.js';
import { interestingOffsets } from './robustness-cuts.js';
import { isObject, loadCorpus, outcomeOf, prefixViolations, seededRandom, summarize, withoutLateFields, type Outcome, type Recording } from './robustness-corpus.js';

export const SMALL_BODY = 8 * 1024;
/** Offsets tried in a body of SMALL_BODY bytes or more (plus every interesting offset). */
const SAMPLES_OF_LARGE = 1500;
/** Every LENIENT_STEP-th offset is also tried in lenient mode (plus every interesting offset). */
const LENIENT_STEP = 3;

export interface TruncationTally {
  offsets: number;
  lenient: number;
  /** Cuts that succeeded (the cut fell after the end marker, or after every choice finished). */
  complete: number;
  /** Of those, how many lack the usage chunk that came after the finish chunk. */
  completeWithoutUsage: number;
  truncated: number;
  provider: number;
}

/** The offsets tried for `body`: all of them when small, else a fixed sample. */
export function offsetsOf(body: Uint8Array, seed: number): number[] {
  if (body.length < SMALL_BODY) return Array.from({ length: body.length }, (_, i) => i);
  const random = seededRandom(seed);
  const set = new Set<number>([0, 1, body.length - 1, ...interestingOffsets(body).filter(() => random() < 0.25)]);
  while (set.size < SAMPLES_OF_LARGE) set.add(Math.floor(random() * body.length));
  return [...set].sort((a, b) => a - b);
}

/** An OpenAI object built before any chunk: no choices, no id. Must not be passed off as a partial. */
function isSkeleton(partial: unknown): boolean {
  return isObject(partial) && Array.isArray(partial.choices) && partial.choices.length === 0 && partial.id === '';
}

/** The object a prefix must be an earlier state of: the final object, or the partial of a failing recording. */
function fullObjectOf(full: Outcome): unknown {
  return full.ok ? full.value : full.error.partial;
}

function fail(recording: Recording, offset: number, mode: string, outcome: Outcome, problems: string[]): never {
  throw new Error(
    `${recording.name} cut at byte ${offset} of ${recording.body.length} (${mode}): ${summarize(outcome)}\n  ${problems.slice(0, 8).join('\n  ')}` +
      `\n  the body ends with: ${JSON.stringify(new TextDecoder().decode(recording.body.subarray(Math.max(0, offset - 80), offset)))}`,
  );
}

/**
 * Cuts `recording` at every offset and checks each outcome; returns the tally. A failure names
 * the recording, the offset, the mode and what is wrong.
 */
export async function checkEveryCut(recording: Recording, seed: number): Promise<TruncationTally> {
  // Most cuts make three errors (the SyntaxError of JSON.parse, the ParseError, the
  // TruncatedStreamError): capturing their stacks is ~40% of the sweep, and stacks are not
  // under test here (a failure's message says everything).
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return await checkEveryCutInner(recording, seed);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

async function checkEveryCutInner(recording: Recording, seed: number): Promise<TruncationTally> {
  const full = await outcomeOf(() => assemble(recording.body));
  const fullObject = fullObjectOf(full);
  const fullProvider = !full.ok && full.error.code === 'provider';
  const interesting = new Set(interestingOffsets(recording.body));
  const tally: TruncationTally = { offsets: 0, lenient: 0, complete: 0, completeWithoutUsage: 0, truncated: 0, provider: 0 };
  let previousStrict: unknown;
  let previousLenient: unknown;

  for (const offset of offsetsOf(recording.body, seed)) {
    const prefix = recording.body.subarray(0, offset);
    tally.offsets++;
    const strict = await outcomeOf(() => assemble(prefix));
    const problems: string[] = [];
    let partial: unknown;
    if (strict.ok) {
      // Only a cut after the end marker (or after every choice finished) may succeed, and then
      // it is the full object, or the full object without what comes after the finish chunk.
      tally.complete++;
      if (!full.ok) problems.push('a prefix of a failing stream succeeded');
      else if (JSON.stringify(strict.value) !== JSON.stringify(full.value)) {
        if (JSON.stringify(strict.value) === JSON.stringify(withoutLateFields(full.value))) tally.completeWithoutUsage++;
        else problems.push(`the success differs from the full result: ${prefixViolations(strict.value, full.value).join('; ') || 'fields missing'}`);
      }
      partial = strict.value;
    } else {
      const error = strict.error;
      if (error.code === 'truncated') tally.truncated++;
      else if (error.code === 'provider' && fullProvider) tally.provider++;
      else problems.push(`expected a TruncatedStreamError${fullProvider ? ' or the ProviderError' : ''}, got code ${error.code}`);
      partial = error.partial;
      if (isSkeleton(partial)) problems.push('the partial is an empty shell built before any chunk arrived (must be undefined)');
      if (error.code === 'truncated' && error.name !== 'TruncatedStreamError') problems.push(`code truncated on a ${error.name}`);
    }
    if (partial !== undefined) problems.push(...prefixViolations(partial, fullObject).map((p) => `not a prefix of the full object: ${p}`));
    // Nothing that was assembled is lost by receiving more bytes.
    if (previousStrict !== undefined && partial !== undefined) {
      problems.push(...prefixViolations(previousStrict, partial).map((p) => `lost what a shorter cut had: ${p}`));
    }
    if (problems.length > 0) fail(recording, offset, 'strict', strict, problems);
    if (partial !== undefined) previousStrict = partial;

    if (offset % LENIENT_STEP === 0 || interesting.has(offset)) {
      tally.lenient++;
      const lenient = await outcomeOf(() => assemble(prefix, { lenient: true }));
      const lproblems: string[] = [];
      let value: unknown;
      if (lenient.ok) value = lenient.value;
      else if (lenient.error.code === 'provider' && fullProvider) value = lenient.error.partial;
      else if (lenient.error.code === 'truncated' && lenient.error.partial === undefined && partial === undefined) {
        // Nothing was assembled yet: there is no partial object to give.
      } else lproblems.push(`lenient mode must give the partial object, got code ${lenient.error.code}${partial === undefined ? '' : ' although strict mode carried a partial object'}`);
      if (isSkeleton(value)) lproblems.push('lenient mode returned an empty shell built before any chunk arrived');
      else if (value !== undefined) {
        lproblems.push(...prefixViolations(value, fullObject).map((p) => `not a prefix of the full object: ${p}`));
        if (previousLenient !== undefined) lproblems.push(...prefixViolations(previousLenient, value).map((p) => `lost what a shorter cut had: ${p}`));
        previousLenient = value;
      }
      // Lenient mode gives what strict mode carried, no less.
      if (!strict.ok && partial !== undefined && lenient.ok) {
        lproblems.push(...prefixViolations(partial, lenient.value).map((p) => `lenient lost what the strict error carried: ${p}`));
      }
      if (lproblems.length > 0) fail(recording, offset, 'lenient', lenient, lproblems);
    }
  }
  // The whole body is the baseline itself; at least one cut must have failed with a truncation.
  expect(tally.truncated, `${recording.name}: no cut was reported as truncated`).toBeGreaterThan(0);
  return tally;
}

/** Estimated work of checking every cut of `body` (the sum of the prefix lengths). */
function costOf(body: Uint8Array): number {
  return body.length < SMALL_BODY ? (body.length * body.length) / 2 : (SAMPLES_OF_LARGE * body.length) / 2;
}

/** Splits the corpus into `count` shards of about equal work; returns shard `index` (0-based). */
export function shard(corpus: Recording[], index: number, count: number): Recording[] {
  const loads = new Array<number>(count).fill(0);
  const shards: Recording[][] = Array.from({ length: count }, () => []);
  for (const r of [...corpus].sort((a, b) => costOf(b.body) - costOf(a.body) || a.name.localeCompare(b.name))) {
    const lightest = loads.indexOf(Math.min(...loads));
    shards[lightest]!.push(r);
    loads[lightest]! += costOf(r.body);
  }
  return shards[index]!.sort((a, b) => a.name.localeCompare(b.name));
}

export function seedOf(name: string): number {
  let h = 0x7a1c_0ff5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** One shard's test file body: the cut sweep over every `count`-th recording, and a tally line. */
export function truncationShard(index: number, count: number): void {
  const recordings = shard(loadCorpus(), index, count);
  const total: TruncationTally = { offsets: 0, lenient: 0, complete: 0, completeWithoutUsage: 0, truncated: 0, provider: 0 };
  const started = performance.now();
  const name = `shard ${index + 1}/${count}`;

  describe(`truncation at every byte offset (${name})`, () => {
    test.each(recordings.map((r) => [r.name, r] as const))('%s', async (_name, recording) => {
      const tally = await checkEveryCut(recording, seedOf(recording.name));
      for (const key of Object.keys(total) as Array<keyof TruncationTally>) total[key] += tally[key];
    });

    afterAll(() => {
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      console.log(
        `truncation ${name}: ${recordings.length} recordings, ${total.offsets} cuts (+${total.lenient} lenient) in ${seconds} s: ` +
          `${total.truncated} truncated, ${total.provider} provider errors, ${total.complete} complete (${total.completeWithoutUsage} of them without the usage chunk)`,
      );
    });
  });
}
