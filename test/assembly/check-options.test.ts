import { Subject } from 'rxjs';
import { describe, expect, test } from 'vitest';
import {
  UsageError,
  assemble,
  createIncrementalJson,
  createNdjsonDecoder,
  createOllamaAssembler,
  createOpenAiAssembler,
  createPipeline,
  createResponsesAssembler,
  createSseDecoder,
  decodeNdjson,
  decodeSse,
  fromSource,
  idleTimeout,
  metricsTracker,
  ollamaSnapshots,
  openAiSnapshots,
  record,
  replay,
  smoothText,
  streamEvents,
  streamFinal,
  streamMetrics,
  streamResponse,
  typingIndicator,
  typingPhases,
  type Recording,
} from '../../src/index.js';

/*
 * Issue 19 item 12: every public option of the core entries is checked once, at the entry, by
 * one table (src/assembly/check-options.ts): a wrong value is a UsageError naming the entry, the
 * option and the value, thrown when the entry is called (assemble: its promise rejects), before
 * any byte is read or any timer set. On the code the issue was filed against, these values were
 * taken silently (a limit of -1 that failed on the first byte, a NaN limit that never fired,
 * timers past 2^31 - 1 ms that fired at once).
 */

const DONE = 'data: [DONE]\n\n';
const sink = { message() {}, done() {}, error() {}, value() {} };
const recording: Recording = { body: new TextEncoder().encode(DONE) } as Recording;
const LONGEST_TIMER = 2 ** 31 - 1;

type Entry = [string, (options: never) => unknown];
const entries: Record<string, Entry> = {
  assemble: ['assemble', (o) => assemble(DONE, o)],
  streamEvents: ['streamEvents', (o) => streamEvents(DONE, o)],
  streamFinal: ['streamFinal', (o) => streamFinal(DONE, o)],
  streamResponse: ['streamResponse', (o) => streamResponse(DONE, o)],
  createPipeline: ['createPipeline', (o) => createPipeline(o, { final() {}, error() {} })],
  fromSource: ['fromSource', (o) => fromSource(DONE, o)],
  createSseDecoder: ['createSseDecoder', (o) => createSseDecoder(sink, o)],
  decodeSse: ['decodeSse', (o) => decodeSse(o)],
  createNdjsonDecoder: ['createNdjsonDecoder', (o) => createNdjsonDecoder(sink, o)],
  decodeNdjson: ['decodeNdjson', (o) => decodeNdjson(o)],
  createOpenAiAssembler: ['createOpenAiAssembler', (o) => createOpenAiAssembler(o)],
  openAiSnapshots: ['openAiSnapshots', (o) => openAiSnapshots(o)],
  createOllamaAssembler: ['createOllamaAssembler', (o) => createOllamaAssembler(o)],
  ollamaSnapshots: ['ollamaSnapshots', (o) => ollamaSnapshots(o)],
  createResponsesAssembler: ['createResponsesAssembler', (o) => createResponsesAssembler(o)],
  createIncrementalJson: ['createIncrementalJson', (o) => createIncrementalJson(o)],
  typingIndicator: ['typingIndicator', (o) => typingIndicator(o)],
  typingPhases: ['typingPhases', (o) => typingPhases(o)],
  smoothText: ['smoothText', (o) => smoothText(o)],
  streamMetrics: ['streamMetrics', (o) => streamMetrics(o)],
  // Entries with positional arguments: checked by the same table, under the options' names.
  idleTimeout: ['idleTimeout', (o: { idleTimeoutMs?: number; scheduler?: never }) => idleTimeout(o.idleTimeoutMs ?? 1000, o.scheduler)],
  metricsTracker: ['metricsTracker', (o: { startedAt?: number; windowMs?: number }) => metricsTracker(o.startedAt ?? 0, o.windowMs ?? 1000)],
  record: ['record', (o) => record(new Subject<Uint8Array>(), o)],
  replay: ['replay', (o) => replay(recording, o)],
};
const STREAM = ['assemble', 'streamEvents', 'streamFinal', 'streamResponse'];
const ASSEMBLERS = ['createOpenAiAssembler', 'openAiSnapshots', 'createOllamaAssembler', 'ollamaSnapshots', 'createResponsesAssembler'];

/** [entries, option, bad values]: every entry must refuse every value. */
const BAD: Array<[string[], string, unknown[]]> = [
  [[...STREAM, 'fromSource'], 'maxTotalBytes', [-1, NaN, 1.5, '10', -Infinity]],
  [[...STREAM, 'createPipeline', 'createSseDecoder', 'decodeSse'], 'maxEventSize', [0, -1, NaN, 2.5, '1mb', null]],
  [['createNdjsonDecoder', 'decodeNdjson'], 'maxLineBytes', [0, NaN, -5]],
  [[...STREAM, 'idleTimeout'], 'idleTimeoutMs', [0, -1, NaN, 2 ** 31, 2 ** 53, '100']],
  [[...STREAM, 'createPipeline', ...ASSEMBLERS], 'strict', ['yes', 1, null]],
  [[...STREAM, 'createPipeline', 'openAiSnapshots', 'ollamaSnapshots'], 'lenient', ['no', 0]],
  [[...STREAM, 'createPipeline', ...ASSEMBLERS], 'partialArguments', ['true']],
  [[...STREAM, 'createPipeline', ...ASSEMBLERS], 'partialContent', [1]],
  [ASSEMBLERS, 'onEvent', ['log', {}]],
  [['fromSource'], 'expect', ['json', 'SSE']],
  [[...STREAM, 'createPipeline'], 'provider', ['nope', 'OpenAI', 5, null]],
  [[...STREAM, 'fromSource'], 'signal', [{}, 'abort', true]],
  [[...STREAM, 'idleTimeout', 'typingIndicator', 'typingPhases', 'smoothText', 'streamMetrics', 'record', 'replay'], 'scheduler', [{}, Date]],
  [['fromSource'], 'onResponse', ['yes']],
  [['createIncrementalJson'], 'maxDepth', [0, -1, 1.5, NaN]],
  [['typingIndicator', 'typingPhases'], 'pauseAfterMs', [0, -1, NaN, Infinity, 2 ** 31]],
  [['typingPhases'], 'choice', [-1, 0.5, '0']],
  [['smoothText'], 'intervalMs', [-1, NaN, Infinity, 2 ** 31]],
  [['smoothText'], 'charsPerSecond', [0, -3, NaN, Infinity]],
  [['smoothText'], 'unit', ['sentence', 1]],
  [['smoothText'], 'flush', ['later']],
  [['streamMetrics', 'metricsTracker'], 'windowMs', [0, -5, NaN, Infinity]],
  [['metricsTracker'], 'startedAt', [NaN, Infinity]],
  [['replay'], 'speed', [0, -1, NaN, Infinity]],
  [['replay'], 'tokensPerSecond', [0, NaN]],
  [['replay'], 'timing', ['fast', 1]],
  [['record'], 'startedAt', [NaN, Infinity, '0']],
  [['record'], 'meta', ['x', 5]],
];

const cases = BAD.flatMap(([names, option, values]) => names.flatMap((name) => values.map((value) => [name, option, value] as const)));

/** What the entry threw, or its promise rejected with. */
async function thrownBy(call: () => unknown): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('one check of every public option, at the entry', () => {
  test.each(cases)('%s({ %s: %o }) is a UsageError naming the entry, the option and the value', async (name, option, value) => {
    const [where, call] = entries[name]!;
    const error = await thrownBy(() => call({ [option]: value } as never));
    expect(error).toBeInstanceOf(UsageError);
    const message = (error as Error).message;
    expect(message.startsWith(`${where}: option ${option} is `)).toBe(true);
    if (typeof value === 'number' || typeof value === 'string') expect(message).toContain(String(value));
    expect(message).toMatch(/; expected /);
  });

  test('options that are not an object are a UsageError too', async () => {
    for (const [where, call] of Object.values(entries).filter(([name]) => name !== 'idleTimeout' && name !== 'metricsTracker')) {
      const error = await thrownBy(() => call('fast' as never));
      expect(error, where).toBeInstanceOf(UsageError);
      expect((error as Error).message).toBe(`${where}: options must be an object, got a string ("fast")`);
    }
  });

  test('the edges of each rule are accepted: Infinity for no limit, the longest timer, 0 where 0 means something', async () => {
    const good: Array<[string, Record<string, unknown>]> = [
      ['assemble', { maxTotalBytes: 0 }],
      ['assemble', { maxTotalBytes: Infinity, maxEventSize: Infinity, idleTimeoutMs: Infinity }],
      ['assemble', { idleTimeoutMs: LONGEST_TIMER, maxEventSize: 1 }],
      ['createNdjsonDecoder', { maxLineBytes: Infinity }],
      ['createIncrementalJson', { maxDepth: Infinity }],
      ['typingIndicator', { pauseAfterMs: LONGEST_TIMER }],
      ['typingPhases', { choice: 0 }],
      ['smoothText', { intervalMs: 0, unit: 'word', flush: 'paced' }],
      ['streamMetrics', { windowMs: 0.5 }],
      ['replay', { speed: 0.25, timing: 'instant' }],
      ['record', { startedAt: 0, meta: () => undefined }],
    ];
    for (const [name, options] of good) {
      const [, call] = entries[name]!;
      // assemble() may still fail on the body ([DONE] alone is truncated): never on its options.
      const error = await thrownBy(() => call(options as never));
      expect(error, `${name} ${JSON.stringify(options)}`).not.toBeInstanceOf(UsageError);
    }
  });

  test('an unset option (undefined) is its default, never an error', async () => {
    for (const [where, call] of Object.values(entries)) {
      expect(await thrownBy(() => call({ maxEventSize: undefined, scheduler: undefined, strict: undefined } as never)), where).not.toBeInstanceOf(UsageError);
    }
  });
});
