import { ChunkwiseError } from '../errors.js';
import { RedisReplyError } from './client.js';
import { RedisUnavailableError } from './errors.js';

/** How long a publisher or subscriber keeps trying while Redis is unreachable, by default. */
export const DEFAULT_RECONNECT_MS = 10_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Settles as `attempt` does, or rejects after `ms`: a client's offline queue may hold a command until Redis is back. */
function bounded<T>(attempt: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([attempt, late]).finally(() => clearTimeout(timer));
}

/**
 * Runs `attempt` until it succeeds, retrying connection failures (the client reconnects
 * meanwhile) with a growing pause, for at most `budgetMs`; then a RedisUnavailableError. An
 * attempt that gets no answer at all (queued by a disconnected client) counts as failed once
 * the budget, plus `waitMs` for a read that blocks on purpose, has passed. Errors that Redis
 * itself replied are never retried, nor chunkwise's own typed errors (a lock taken by another
 * publisher). `stopped` ends the retrying early.
 */
export async function retrying<T>(
  what: string,
  budgetMs: number,
  attempt: () => Promise<T>,
  stopped: () => boolean = () => false,
  waitMs = 0,
): Promise<T> {
  const startedAt = Date.now();
  for (let pause = 20; ; pause = Math.min(pause * 2, 500)) {
    try {
      return await bounded(attempt(), Math.max(1, budgetMs - (Date.now() - startedAt)) + waitMs);
    } catch (error) {
      if (error instanceof RedisReplyError || error instanceof ChunkwiseError || stopped()) throw error;
      const waited = Date.now() - startedAt;
      if (waited >= budgetMs) throw new RedisUnavailableError(what, waited, error);
      await sleep(Math.min(pause, budgetMs - waited));
    }
  }
}
