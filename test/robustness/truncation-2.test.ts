import { truncationShard } from '../helpers/robustness-truncation.js';

/*
 * Truncation at every byte offset (shard 2 of 2; the shards run in parallel). For each cut:
 * strict mode gives a TruncatedStreamError (or the recording's own ProviderError, or a success
 * when the cut falls after the end marker) whose partial object is an earlier state of the full
 * one (text a prefix, finished tool calls intact, logprob tokens a prefix of the full list) and
 * holds everything a shorter cut held; lenient mode gives that partial object as the result.
 * See test/helpers/robustness-truncation.ts.
 */
truncationShard(1, 2);
