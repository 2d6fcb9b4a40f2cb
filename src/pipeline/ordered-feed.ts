/**
 * Keeps the pieces of a body in order when the code they set off feeds more: an event handler
 * that feeds the pipeline must not start a second batch inside the first, so its bytes wait
 * and come after. (Whatever throws out of a batch has settled the pipeline first, so `draining`
 * never stays set on a live one.)
 */
export interface OrderedFeed {
  feed(piece: Uint8Array): void;
  /** Several pieces as one run: nothing fed meanwhile cuts in. */
  feedAll(pieces: readonly Uint8Array[]): void;
  /** The end of the bytes, after every piece fed before it. */
  end(): void;
}

/** `decode` handles one piece; `finish` the end; `settled` says when to drop what waits. */
export function createOrderedFeed(decode: (piece: Uint8Array) => void, finish: () => void, settled: () => boolean): OrderedFeed {
  const queued: Uint8Array[] = [];
  let draining = false;
  let endRequested = false;
  let taking = false;

  const feed = (piece: Uint8Array) => {
    if (draining) {
      queued.push(piece);
      return;
    }
    draining = true;
    decode(piece);
    draining = false;
    if (queued.length > 0 || endRequested) takeQueued();
  };

  /** The pieces (and the end) that arrived during a batch, in order (rare: kept off the hot path). */
  const takeQueued = () => {
    if (taking) return;
    taking = true;
    while (queued.length > 0 && !settled()) feed(queued.shift()!);
    queued.length = 0;
    taking = false;
    if (endRequested) {
      endRequested = false;
      end();
    }
  };

  const end = () => {
    if (settled()) return;
    if (draining) {
      endRequested = true;
      return;
    }
    finish();
  };

  return {
    feed,
    feedAll(pieces) {
      if (pieces.length === 0) return;
      for (let i = 1; i < pieces.length; i++) queued.push(pieces[i]!);
      feed(pieces[0]!);
    },
    end,
  };
}
