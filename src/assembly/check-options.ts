/**
 * What each public option of the core entries may hold, in one table, checked when the entry is
 * called (`assemble`, `streamEvents`, `streamFinal`, `streamResponse`, `createPipeline`,
 * `fromSource`, `idleTimeout`, the decoders, the assemblers and their operators,
 * `createIncrementalJson`, `typingIndicator`, `typingPhases`, `smoothText`, `streamMetrics`,
 * `record`, `replay`): a wrong value (`maxTotalBytes: -1`, `maxEventSize: NaN`, `strict: 'yes'`,
 * a timer past the longest JavaScript keeps) is a UsageError naming the entry, the option and the
 * value, instead of a limit that fires on the first byte, a timer that fires at once, or a
 * setting silently ignored. `provider`'s rule is the pipeline's (PROVIDER_OPTION: the names are the registry's).
 */
import { describeValue } from './describe-value.js';
import { UsageError } from '../errors.js';

/**
 * The longest delay JavaScript timers keep (2^31 - 1 ms, about 24.8 days): a longer one
 * overflows and fires at once, so a longer timer option is refused.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export interface OptionRule {
  /** What the option must be, for the message (`a non-negative integer`). */
  expected: string;
  ok(value: unknown): boolean;
}

const isCount = (min: number) => (v: unknown) => typeof v === 'number' && (v === Infinity || (Number.isInteger(v) && v >= min));
const isBoolean = (v: unknown) => typeof v === 'boolean';
const isFunction = (v: unknown) => typeof v === 'function';
const isPositive = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v > 0;
/** A delay a timer is set to: finite (or Infinity where that means "never"), and at most MAX_TIMER_MS. */
const isDelay = (min: 'zero' | 'positive', infinite = false) => (v: unknown) =>
  typeof v === 'number' && (min === 'zero' ? v >= 0 : v > 0) && (v <= MAX_TIMER_MS || (infinite && v === Infinity));
const oneOf = (...values: string[]): OptionRule => ({ expected: values.map((v) => JSON.stringify(v)).join(', ').replace(/, ([^,]*)$/, ' or $1'), ok: (v) => values.includes(v as string) });
const BOOLEAN: OptionRule = { expected: 'true or false', ok: isBoolean };
const FUNCTION: OptionRule = { expected: 'a function', ok: isFunction };
const POSITIVE: OptionRule = { expected: 'a finite number above 0', ok: isPositive };
const TIMER = `at most ${MAX_TIMER_MS} (the longest timer, about 24.8 days)`;

const RULES = {
  maxTotalBytes: { expected: 'a whole number of bytes, 0 or more (Infinity: no limit)', ok: isCount(0) },
  maxEventSize: { expected: 'a whole number, 1 or more (Infinity: no limit)', ok: isCount(1) },
  maxLineBytes: { expected: 'a whole number of bytes, 1 or more (Infinity: no limit)', ok: isCount(1) },
  maxDepth: { expected: 'a whole number, 1 or more (Infinity: no limit)', ok: isCount(1) },
  idleTimeoutMs: { expected: `a number of milliseconds above 0 and ${TIMER}; Infinity: no timeout`, ok: isDelay('positive', true) },
  pauseAfterMs: { expected: `a number of milliseconds above 0 and ${TIMER}`, ok: isDelay('positive') },
  intervalMs: { expected: `a number of milliseconds, 0 or more and ${TIMER}`, ok: isDelay('zero') },
  windowMs: POSITIVE,
  charsPerSecond: POSITIVE,
  speed: POSITIVE,
  tokensPerSecond: POSITIVE,
  startedAt: { expected: 'a finite number (a time on the scheduler\'s clock)', ok: (v) => typeof v === 'number' && Number.isFinite(v) },
  choice: { expected: 'a whole number, 0 or more', ok: (v) => Number.isInteger(v) && (v as number) >= 0 },
  strict: BOOLEAN,
  lenient: BOOLEAN,
  partialArguments: BOOLEAN,
  partialContent: BOOLEAN,
  expect: oneOf('sse', 'ndjson', 'any'),
  unit: oneOf('char', 'word'),
  flush: oneOf('immediate', 'paced'),
  timing: oneOf('recorded', 'synthetic', 'instant'),
  signal: {
    expected: 'an AbortSignal',
    ok: (v) => typeof v === 'object' && v !== null && typeof (v as AbortSignal).aborted === 'boolean' && typeof (v as AbortSignal).addEventListener === 'function',
  },
  scheduler: { expected: 'an RxJS scheduler', ok: (v) => typeof v === 'object' && v !== null && typeof (v as { schedule?: unknown }).schedule === 'function' },
  onResponse: FUNCTION,
  onEvent: FUNCTION,
  meta: { expected: 'an object or a function', ok: (v) => isFunction(v) || (typeof v === 'object' && v !== null) },
} satisfies Record<string, OptionRule>;

export type CheckedOption = keyof typeof RULES;

/**
 * Throws a UsageError for the first of `names` that `options` sets to a value its rule refuses
 * (undefined is always fine: the default). `where` names the entry (`assemble`); `more` adds rules
 * a higher layer owns (`provider`, whose names the registry holds).
 */
export function checkOptions(where: string, options: unknown, names: readonly CheckedOption[], more: Readonly<Record<string, OptionRule>> = {}): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null) throw new UsageError(`${where}: options must be an object, got ${describeValue(options)}`);
  const given = options as Record<string, unknown>;
  for (const name of names) {
    const value = given[name];
    if (value === undefined) continue;
    check(where, name, value, RULES[name]);
  }
  for (const [name, rule] of Object.entries(more)) if (given[name] !== undefined) check(where, name, given[name], rule);
}

function check(where: string, name: string, value: unknown, rule: OptionRule): void {
  if (!rule.ok(value)) throw new UsageError(`${where}: option ${name} is ${describeValue(value)}; expected ${rule.expected}`);
}

/** The options `fromSource` reads. */
export const SOURCE_OPTIONS: readonly CheckedOption[] = ['signal', 'expect', 'maxTotalBytes', 'onResponse'];
/** The options an assembler reads (and the snapshot operators, with `lenient`). */
export const ASSEMBLER_OPTIONS: readonly CheckedOption[] = ['onEvent', 'strict', 'partialArguments', 'partialContent', 'lenient'];
/** The options the pipeline reads (`provider` aside). */
export const PIPELINE_OPTIONS: readonly CheckedOption[] = ['maxEventSize', 'strict', 'lenient', 'partialArguments', 'partialContent'];
/** Everything `assemble()` and the stream entries read. */
export const STREAM_OPTIONS: readonly CheckedOption[] = [...PIPELINE_OPTIONS, 'signal', 'maxTotalBytes', 'idleTimeoutMs', 'scheduler'];
