import { describe, expect, test } from 'vitest';
import { ProviderError, TruncatedStreamError } from '../../../src/errors.js';
import { createResponsesAssembler } from '../../../src/providers/openai-responses/assembler.js';
import { eventEnds, notPrefix, responsesRecordings } from '../../helpers/responses-recordings.js';
import { assembleSse } from '../../helpers/sse-payloads.js';

const recordings = responsesRecordings();
const bytes = (body: Uint8Array) => Array.from(body, (b) => Uint8Array.of(b));

describe('the Responses recordings', () => {
  test('there are at least 10 real ones, beside the constructed ones', () => {
    expect(recordings.filter((r) => !r.constructed).length).toBeGreaterThanOrEqual(10);
  });

  describe.each(recordings.map((r) => [r.name, r] as const))('%s', (_name, recording) => {
    const check = (pieces: Uint8Array | Uint8Array[]) => {
      const { final, error } = assembleSse(pieces, createResponsesAssembler());
      const want = recording.expected;
      if (!('partial' in want)) {
        expect(error).toBeUndefined();
        expect(JSON.stringify(final, null, 2)).toBe(JSON.stringify(want, null, 2));
        return;
      }
      expect(error).toBeInstanceOf(ProviderError);
      expect((error as ProviderError).payload).toEqual(want.error);
      expect(JSON.stringify(error!.partial, null, 2)).toBe(JSON.stringify(want.partial, null, 2));
    };

    test('fed whole, it assembles to its expected.json (key order included)', () => check(recording.body));
    test('fed in 1-byte pieces, the same', () => check(bytes(recording.body)));

    test('cut at every event boundary, a typed error whose partial is a prefix of the full result', () => {
      const full = assembleSse(recording.body, createResponsesAssembler());
      const whole = (full.final ?? full.error!.partial) as { output?: unknown[] };
      const ends = eventEnds(recording.body);
      for (const end of ends.slice(0, -1)) {
        const { final, error } = assembleSse(recording.body.subarray(0, end), createResponsesAssembler());
        if (final !== undefined) {
          // Only a cut after the terminal event (a body that goes on after it, with [DONE]) may resolve.
          expect(JSON.stringify(final)).toBe(JSON.stringify(full.final));
          continue;
        }
        expect(error, `cut at byte ${end}`).toBeDefined();
        if (!(error instanceof TruncatedStreamError)) {
          // The cut kept the failure (an error event before it).
          expect(error).toBeInstanceOf(ProviderError);
          continue;
        }
        if (error.partial === undefined) {
          // A cut before the first event (after a leading `:` comment line, as OpenRouter sends) has nothing to be partial of.
          expect(error.message, `cut at byte ${end}`).toMatch(/before any event/);
          continue;
        }
        expect(error.message).toMatch(/without a terminal event/);
        const partial = error.partial as { output?: unknown[] };
        expect(partial, `cut at byte ${end}`).toBeDefined();
        expect(notPrefix(partial, whole), `cut at byte ${end}`).toBeUndefined();
      }
    });
  });
});
