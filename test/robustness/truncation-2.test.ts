import { afterAll, describe, test } from 'vitest';
import { loadCorpus } from '../helpers/robustness-corpus.js';
import { checkEveryCut, seedOf, shard, type TruncationTally } from '../helpers/robustness-truncation.js';

/*
 * Truncation at every byte offset (shard 2 of 2; the shards run in parallel). For each cut:
 * strict mode gives a TruncatedStreamError (or the recording's own ProviderError, or a success
 * when the cut falls after the end marker) whose partial object is an earlier state of the full
 * one (text a prefix, finished tool calls intact, logprob tokens a prefix of the full list) and
 * holds everything a shorter cut held; lenient mode gives that partial object as the result.
 * See test/helpers/robustness-truncation.ts.
 */

const recordings = shard(loadCorpus(), 1, 2);
const total: TruncationTally = { offsets: 0, lenient: 0, complete: 0, completeWithoutUsage: 0, truncated: 0, provider: 0 };
const started = performance.now();

describe('truncation at every byte offset (shard 2/2)', () => {
  test.each(recordings.map((r) => [r.name, r] as const))('%s', async (_name, recording) => {
    const tally = await checkEveryCut(recording, seedOf(recording.name));
    for (const key of Object.keys(total) as Array<keyof TruncationTally>) total[key] += tally[key];
  });

  afterAll(() => {
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `truncation shard 2/2: ${recordings.length} recordings, ${total.offsets} cuts (+${total.lenient} lenient) in ${seconds} s: ` +
        `${total.truncated} truncated, ${total.provider} provider errors, ${total.complete} complete (${total.completeWithoutUsage} of them without the usage chunk)`,
    );
  });
});
