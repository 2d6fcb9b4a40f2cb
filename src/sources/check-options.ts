/**
 * What each public option of the core entries (`assemble`, `streamEvents`, `streamFinal`,
 * `streamResponse`, `createPipeline`, `fromSource`) may hold, in one table, checked when the
 * entry is called: a wrong value (`maxTotalBytes: -1`, `maxEventSize: NaN`, `strict: 'yes'`) is
 * a UsageError naming the option and the value, instead of a limit that fires on the first
 * byte, a timer that fires at once, or a setting silently ignored. `provider` is checked by the
 * pipeline against the registry.
 */
import { describeValue } from '../assembly/describe-value.js';
import { UsageError } from '../errors.js';

/**
 * The longest delay JavaScript timers keep (2^31 - 1 ms, about 24.8 days): a longer one
 * overflows and fires at once, so a longer idle timeout is refused (Infinity means none).
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

interface Rule {
  /** What the option must be, for the message (`a non-negative integer`). */
  expected: string;
  ok(value: unknown): boolean;
}

const isCount = (min: number) => (v: unknown) => typeof v === 'number' && (v === Infinity || (Number.isInteger(v) && v >= min));
const isBoolean = (v: unknown) => typeof v === 'boolean';

const RULES: Readonly<Record<string, Rule>> = {
  maxTotalBytes: { expected: 'a whole number of bytes, 0 or more (Infinity: no limit)', ok: isCount(0) },
  maxEventSize: { expected: 'a whole number, 1 or more (Infinity: no limit)', ok: isCount(1) },
  idleTimeoutMs: {
    expected: `a number of milliseconds above 0 and at most ${MAX_TIMER_MS} (about 24.8 days; Infinity: no timeout)`,
    ok: (v) => typeof v === 'number' && v > 0 && (v <= MAX_TIMER_MS || v === Infinity),
  },
  strict: { expected: 'true or false', ok: isBoolean },
  lenient: { expected: 'true or false', ok: isBoolean },
  partialArguments: { expected: 'true or false', ok: isBoolean },
  partialContent: { expected: 'true or false', ok: isBoolean },
  expect: { expected: '"sse", "ndjson" or "any"', ok: (v) => v === 'sse' || v === 'ndjson' || v === 'any' },
  signal: {
    expected: 'an AbortSignal',
    ok: (v) => typeof v === 'object' && v !== null && typeof (v as AbortSignal).aborted === 'boolean' && typeof (v as AbortSignal).addEventListener === 'function',
  },
  scheduler: { expected: 'an RxJS scheduler', ok: (v) => typeof v === 'object' && v !== null && typeof (v as { schedule?: unknown }).schedule === 'function' },
  onResponse: { expected: 'a function', ok: (v) => typeof v === 'function' },
};

export type CheckedOption = keyof typeof RULES;

/**
 * Throws a UsageError for the first of `names` that `options` sets to a value its rule refuses
 * (undefined is always fine: the default). `where` names the entry (`assemble`).
 */
export function checkOptions(where: string, options: unknown, names: readonly CheckedOption[]): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null) throw new UsageError(`${where}: options must be an object, got ${describeValue(options)}`);
  const given = options as Record<string, unknown>;
  for (const name of names) {
    const value = given[name];
    if (value === undefined) continue;
    const rule = RULES[name]!;
    if (!rule.ok(value)) throw new UsageError(`${where}: option ${name} is ${describeValue(value)}; expected ${rule.expected}`);
  }
}

/** The options `fromSource` reads. */
export const SOURCE_OPTIONS: readonly CheckedOption[] = ['signal', 'expect', 'maxTotalBytes', 'onResponse'];
/** The options the pipeline reads (`provider` aside). */
export const PIPELINE_OPTIONS: readonly CheckedOption[] = ['maxEventSize', 'strict', 'lenient', 'partialArguments', 'partialContent'];
/** Everything `assemble()` and the stream entries read. */
export const STREAM_OPTIONS: readonly CheckedOption[] = [...PIPELINE_OPTIONS, 'signal', 'maxTotalBytes', 'idleTimeoutMs', 'scheduler'];
