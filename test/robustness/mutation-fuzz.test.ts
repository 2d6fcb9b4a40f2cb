import fc from 'fast-check';
import { lastValueFrom, toArray } from 'rxjs';
import { describe, expect, test } from 'vitest';
import { ChunkwiseError, assemble, streamEvents, type StreamEvent } from '../../src/index.js';
import { loadCorpus, outcomeOf, seededRandom, summarize, type Outcome } from '../helpers/robustness-corpus.js';
import { piecesOf } from '../helpers/robustness-cuts.js';
import { deepEqual, mutate, type Mutated } from '../helpers/robustness-mutations.js';

/*
 * Mutation fuzz: recorded bodies with byte flips, deleted / duplicated / swapped lines, garbage
 * lines, invalid UTF-8, huge numbers, 10,000-level nesting (in a chunk and in tool-call
 * arguments), wrong types where objects are expected, and chunks for choices and tool calls that
 * never started. Every input must end, within a time limit, in an object or a ChunkwiseError with
 * a message: never a raw TypeError/RangeError, never an internal exception passed off as a
 * network failure, never a hang. On top:
 * - the outcome does not depend on how the mutated body is cut (one piece vs. several);
 * - benign mutations (comments, keep-alives, blank lines) do not change the outcome at all;
 * - with events on, the events are consistent with the final object.
 *
 * Deterministic (fixed seed). A failure prints the seed, the shrunk input (recording, mutation
 * seed, cuts, mode), the mutation steps and the smallest body (lines removed while it still
 * fails) that shows the problem.
 */

const SEED = 20_251_125;
const INPUTS = 3000;
const TIME_LIMIT_MS = 5000;
const corpus = loadCorpus();

type Mode = 'assemble' | 'lenient' | 'events' | 'structured';

interface Input {
  recording: number;
  mutationSeed: number;
  cuts: number[];
  mode: Mode;
}

const stats = { inputs: 0, ok: 0, typed: 0, benign: 0, byCode: new Map<string, number>() };

function withTimeLimit<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`HANG: no outcome after ${TIME_LIMIT_MS} ms (${what})`)), TIME_LIMIT_MS);
    }),
  ]);
}

interface Run {
  outcome: Outcome;
  events?: StreamEvent[];
}

async function run(pieces: Uint8Array[], mode: Mode): Promise<Run> {
  if (mode === 'assemble' || mode === 'lenient') {
    return { outcome: await outcomeOf(() => withTimeLimit(assemble(pieces, mode === 'lenient' ? { lenient: true } : {}), mode)) };
  }
  let events: StreamEvent[] = [];
  const outcome = await outcomeOf(async () => {
    const source = streamEvents(pieces, mode === 'structured' ? { partialContent: true } : {});
    // Collect as they come, so that the events before a failure can be checked too.
    await withTimeLimit(
      new Promise<void>((resolve, reject) => source.subscribe({ next: (e) => events.push(e), error: reject, complete: resolve })),
      mode,
    );
    const done = events.at(-1);
    if (done?.type !== 'done') throw new Error(`the last event is ${done?.type}, not done`);
    return done.response;
  });
  return { outcome, events };
}

/** Problems with an outcome that no input may cause. */
function problemsOf(outcome: Outcome, events: StreamEvent[] | undefined): string[] {
  const problems: string[] = [];
  if (!outcome.ok) {
    const error = outcome.error;
    if (error.code === 'network') problems.push(`an in-memory body cannot fail with a network error: an internal exception was wrapped (${error.message})`);
    for (let cause = (error as { cause?: unknown }).cause, depth = 0; cause !== undefined && depth < 5; cause = (cause as { cause?: unknown }).cause, depth++) {
      // (A fatal TextDecoder reports invalid UTF-8 with a TypeError: that one is the expected cause.)
      const decoding = (cause as { code?: unknown }).code === 'ERR_ENCODING_INVALID_ENCODED_DATA';
      if ((cause instanceof TypeError || cause instanceof RangeError || cause instanceof ReferenceError) && !decoding) {
        problems.push(`the ${error.name} wraps an internal ${cause.constructor.name}: ${cause.message}`);
      }
    }
    if (!/[a-z]{3}/i.test(error.message)) problems.push(`the message does not name the problem: ${JSON.stringify(error.message)}`);
  } else if (typeof outcome.value !== 'object' || outcome.value === null) {
    problems.push(`the result is not an object: ${String(outcome.value)}`);
  }
  if (events) problems.push(...eventProblems(outcome, events));
  return problems;
}

/** With events on: every snapshot can be built, deltas add up to the text, `done` carries the result. */
function eventProblems(outcome: Outcome, events: StreamEvent[]): string[] {
  const problems: string[] = [];
  const content = new Map<number, string>();
  for (const [i, event] of events.entries()) {
    try {
      if (i % 7 === 0 || event.type === 'done') event.snapshot();
    } catch (error) {
      problems.push(`snapshot() of event ${i} (${event.type}) threw ${(error as Error).constructor.name}: ${(error as Error).message}`);
      break;
    }
    if (event.type === 'content.delta') {
      const text = (content.get(event.choice) ?? '') + event.delta;
      if (text !== event.content) problems.push(`content.delta ${i}: the deltas add up to ${JSON.stringify(text.slice(-40))}, the event says ${JSON.stringify(event.content.slice(-40))}`);
      content.set(event.choice, event.content);
    }
    if (event.type === 'done' && i !== events.length - 1) problems.push('an event came after done');
  }
  if (outcome.ok) {
    const done = events.at(-1);
    if (done?.type !== 'done' || done.response !== outcome.value) problems.push('the done event does not carry the result');
    const value = outcome.value as any;
    for (const [choice, text] of content) {
      const final = Array.isArray(value.choices) ? value.choices.find((c: any) => c.index === choice)?.message?.content : (value.message?.content ?? value.response);
      if (typeof final === 'string' && final !== text) problems.push(`choice ${choice}: the content deltas give ${JSON.stringify(text.slice(-40))}, the final object ${JSON.stringify(final.slice(-40))}`);
    }
  }
  return problems;
}

/** What must not change between two cuts of the same bytes. */
function sameOutcome(a: Outcome, b: Outcome, strict: boolean): boolean {
  if (a.ok !== b.ok) return false;
  if (a.ok && b.ok) return deepEqual(a.value, b.value);
  const x = (a as { error: ChunkwiseError }).error;
  const y = (b as { error: ChunkwiseError }).error;
  if (x.name !== y.name || x.code !== y.code || !deepEqual(x.partial, y.partial)) return false;
  return !strict || (x.message === y.message && x.line === y.line && x.event === y.event && x.offset === y.offset);
}

const baselines = new Map<number, Outcome>();
async function baselineOf(index: number): Promise<Outcome> {
  let outcome = baselines.get(index);
  if (!outcome) baselines.set(index, (outcome = await outcomeOf(() => assemble(corpus[index]!.body))));
  return outcome;
}

/** Everything that is wrong with one input (empty when it behaves). */
async function check(input: Input, mutated: Mutated, tally = false): Promise<string[]> {
  const plan = { cuts: input.cuts.map((c) => c % Math.max(1, mutated.body.length)).filter((c) => c > 0).sort((a, b) => a - b), empties: [] };
  const cut = await run(piecesOf(mutated.body, plan), input.mode);
  if (tally) {
    stats.inputs++;
    if (mutated.benign) stats.benign++;
    if (cut.outcome.ok) stats.ok++;
    else {
      stats.typed++;
      stats.byCode.set(cut.outcome.error.code, (stats.byCode.get(cut.outcome.error.code) ?? 0) + 1);
    }
  }
  const problems = problemsOf(cut.outcome, cut.events);
  if (problems.length > 0) return problems;
  const whole = await run([mutated.body], input.mode);
  problems.push(...problemsOf(whole.outcome, whole.events));
  if (!sameOutcome(cut.outcome, whole.outcome, true)) {
    problems.push(`the outcome depends on the cuts: in pieces ${summarize(cut.outcome)}; in one piece ${summarize(whole.outcome)}`);
  }
  if (mutated.benign && (input.mode === 'assemble' || input.mode === 'events')) {
    const original = await baselineOf(input.recording);
    if (!sameOutcome(whole.outcome, original, false)) problems.push(`a benign mutation changed the outcome: ${summarize(whole.outcome)}, originally ${summarize(original)}`);
  }
  return problems;
}

/** Removes lines from a failing body while it still fails: the smallest body that shows the problem. */
async function minimize(body: Uint8Array, input: Input, kind: string): Promise<string> {
  let lines: string[] = new TextDecoder().decode(body).match(/[^\n]*\n|[^\n]+$/g) ?? [];
  const stillFails = async (candidate: string[]) => {
    const problems = await check(input, { body: new TextEncoder().encode(candidate.join('')), steps: [], benign: false }).catch((e: Error) => [`${e.message}`]);
    return problems.some((p) => p.split(':')[0] === kind);
  };
  let budget = 400;
  for (let i = lines.length - 1; i >= 0 && budget > 0; i--, budget--) {
    const candidate = [...lines.slice(0, i), ...lines.slice(i + 1)];
    if (candidate.length > 0 && (await stillFails(candidate))) lines = candidate;
  }
  const text = lines.join('');
  return text.length > 1500 ? `${text.slice(0, 1500)}… (${text.length} characters)` : text;
}

const input: fc.Arbitrary<Input> = fc.record({
  recording: fc.nat(corpus.length - 1),
  mutationSeed: fc.integer(),
  cuts: fc.array(fc.nat(), { maxLength: 12 }),
  mode: fc.constantFrom<Mode>('assemble', 'assemble', 'assemble', 'lenient', 'events', 'structured'),
});

describe('mutation fuzz', () => {
  test(`${INPUTS} mutated bodies end in an object or a typed error, never a raw exception or a hang`, async () => {
    const started = performance.now();
    const details = await fc.check(
      fc.asyncProperty(input, async (input) => {
        const recording = corpus[input.recording]!;
        const mutated = mutate(recording.body, seededRandom(input.mutationSeed), recording.transport === 'sse');
        const problems = await check(input, mutated, true);
        if (problems.length > 0) throw new Error(`${recording.name} with ${mutated.steps.join('; ') || 'no change'} (mode ${input.mode}):\n  ${problems.slice(0, 6).join('\n  ')}`);
      }),
      { seed: SEED, numRuns: INPUTS },
    );
    if (details.failed) {
      const smallest = details.counterexample![0];
      const recording = corpus[smallest.recording]!;
      const mutated = mutate(recording.body, seededRandom(smallest.mutationSeed), recording.transport === 'sse');
      const problems = await check(smallest, mutated, false);
      const body = problems.length > 0 ? await minimize(mutated.body, smallest, problems[0]!.split(':')[0]!) : '(does not fail again)';
      throw new Error(
        `mutation fuzz failed (seed ${details.seed}, path "${details.counterexamplePath}", after ${details.numRuns} inputs and ${details.numShrinks} shrinks)\n` +
          `counter-example: ${JSON.stringify(smallest)}\n${(details.errorInstance as Error | undefined)?.message ?? String(details.errorInstance)}\n` +
          `smallest body that still fails:\n${body}`,
      );
    }
    const codes = [...stats.byCode].sort((a, b) => b[1] - a[1]).map(([code, n]) => `${n} ${code}`).join(', ');
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `mutation fuzz: ${stats.inputs} inputs, ${stats.ok} ok, ${stats.typed} typed errors (${codes}); ` +
        `each also run in one piece, ${stats.benign} benign ones compared with the original; ${seconds} s`,
    );
    expect(stats.inputs).toBe(INPUTS);
    expect(stats.typed).toBeGreaterThan(INPUTS / 10);
  }, 180_000);
});
