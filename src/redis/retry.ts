import { ChunkwiseError } from '../errors.js';
import { RedisReplyError } from './client.js';
import { RedisUnavailableError } from './errors.js';

/** How long a publisher or subscriber keeps trying while Redis is unreachable, by default. */
export const DEFAULT_RECONNECT_MS = 10_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `attempt` until it succeeds, retrying connection failures (the client reconnects
 * meanwhile) with a growing pause, for at most `budgetMs`; then a RedisUnavailableError.
 * Errors that Redis itself replied are never retried, nor chunkwise's own typed errors (a lock
 * taken by another publisher). `stopped` ends the retrying early.
 */
export async function retrying<T>(what: string, budgetMs: number, attempt: () => Promise<T>, stopped: () => boolean = () => false): Promise<T> {
  const startedAt = Date.now();
  for (let pause = 20; ; pause = Math.min(pause * 2, 500)) {
    try {
      return await attempt();
    } catch (error) {
      if (error instanceof RedisReplyError || error instanceof ChunkwiseError || stopped()) throw error;
      const waited = Date.now() - startedAt;
      if (waited >= budgetMs) throw new RedisUnavailableError(what, waited, error);
      await sleep(Math.min(pause, budgetMs - waited));
    }
  }
}
