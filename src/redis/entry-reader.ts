import type { StreamEvent } from '../assembly/events.js';
import { withPartial, type ChunkwiseError } from '../errors.js';
import type { Assembler } from '../assembly/assembler.js';
import { providerSpec } from '../providers/registry.js';
import { HistoryGoneError, PublisherGoneError, reviveError } from './errors.js';
import { cursorId, parseEntryId, type Cursor, type StreamEntry, type StreamMeta } from './layout.js';

/** An event read from Redis: a local stream's event, plus where it sits in the stream. */
export type RedisStreamEvent<S = any> = StreamEvent<S> & {
  /** Its resume cursor (`<entry id>:<k>`): pass it as `after`, or as the SSE `id:`. */
  id: string;
  /** The id of the Redis entry (the chunk, or the final object) that made this event. */
  entryId: string;
};

export interface EntryReaderSink<S> {
  event(event: RedisStreamEvent<S>): void;
  /** The final object (also for a subscriber resumed after the `done` event, which sees no event). */
  final(response: unknown): void;
  error(error: ChunkwiseError): void;
  complete(): void;
}

export interface EntryReader {
  /** The next entry of the stream, in order. */
  entry(entry: StreamEntry): void;
  /** The stream cannot go on (publisher gone, Redis lost): fail with the partial object. */
  gone(why: string): void;
  fail(error: ChunkwiseError): void;
  snapshot(): unknown;
  readonly settled: boolean;
}

/**
 * Rebuilds a published response from its entries, as the publisher's pipeline saw it: the same
 * provider's assembler takes the same chunks, so the events, snapshots and final object are the
 * ones a local stream gives. Every event gets its cursor; with `after`, the events up to the
 * cursor are rebuilt (the snapshots need them) but not delivered.
 */
// One piece: one closure over the reader's state (assembler, expected entry number, cursor), whose
// entry switch is the stream layout read in order; split, the steps would pass that state around.
export function createEntryReader<S>(key: string, after: Cursor | undefined, afterText: string | undefined, sink: EntryReaderSink<S>): EntryReader {
  let assembler: Assembler<unknown, unknown, unknown> | undefined;
  let chunks = 0;
  let expected = 0;
  let start: number | undefined;
  let lastId: string | undefined;
  let settled = false;
  let current = '';
  let k = 0;
  let delivering = after === undefined;
  let finalResponse: { value: unknown } | undefined;

  const visible = (n: number, index: number) =>
    after === undefined || n > after.n || (n === after.n && after.k !== undefined && index > after.k);

  const onEvent = (event: StreamEvent) => {
    const e = event as RedisStreamEvent<S>;
    const index = k++;
    e.id = cursorId(current, index);
    e.entryId = current;
    if (delivering || visible(expected - 1, index)) {
      delivering = true;
      sink.event(e);
    }
  };

  const snapshot = () => (assembler && chunks > 0 ? assembler.snapshot() : undefined);

  const fail = (error: ChunkwiseError) => {
    if (settled) return;
    settled = true;
    sink.error(error);
  };

  const trimmed = (message: string) => fail(new HistoryGoneError(key, 'trimmed', message, afterText));

  return {
    get settled() {
      return settled;
    },
    snapshot,
    fail,
    gone(why) {
      fail(withPartial(new PublisherGoneError(key, lastId, why), snapshot()));
    },
    entry(entry) {
      if (settled) return;
      const id = parseEntryId(entry.id);
      if (!id) return fail(new HistoryGoneError(key, 'trimmed', `Entry ${entry.id} of "${key}" was not written by chunkwise`));
      if (start === undefined) {
        start = id.start;
        if (after !== undefined && after.start !== id.start) {
          return fail(new HistoryGoneError(key, 'expired', `The stream that "${afterText}" belongs to has expired; "${key}" now holds a newer one`, afterText));
        }
      }
      if (id.start !== start) return fail(new HistoryGoneError(key, 'expired', `The stream "${key}" was replaced while being read`, afterText));
      if (id.n !== expected) {
        return trimmed(
          expected === 0
            ? `The start of "${key}" was trimmed (MAXLEN): its first entry now is ${entry.id}${afterText ? `, so it cannot resume after ${afterText}` : ''}`
            : `Entries of "${key}" between ${lastId} and ${entry.id} were trimmed (MAXLEN) before this subscriber read them`,
        );
      }
      expected++;
      lastId = entry.id;
      current = entry.id;
      k = 0;
      try {
        switch (entry.kind) {
          case 'meta': {
            const meta = JSON.parse(entry.data) as StreamMeta;
            assembler = providerSpec(meta.provider).createAssembler({
              onEvent,
              partialArguments: meta.partialArguments,
              partialContent: meta.partialContent,
            }) as Assembler<unknown, unknown, unknown>;
            return;
          }
          case 'chunk':
            assembler!.push(JSON.parse(entry.data));
            chunks++;
            return;
          case 'final': {
            const response = JSON.parse(entry.data) as unknown;
            finalResponse = { value: response };
            // The closing events (`*.done` of choices the chunks left open) come from the assembler, as on the publisher.
            if (chunks > 0) assembler!.finish(true, true);
            onEvent({ type: 'done', choice: 0, response, snapshot: () => response });
            sink.final(response);
            return;
          }
          case 'error':
            return fail(reviveError(entry.data));
          case 'end':
            if (!finalResponse) return fail(new PublisherGoneError(key, lastId, 'its stream ended without a final object'));
            settled = true;
            sink.complete();
            return;
        }
      } catch (error) {
        fail(withPartial(error, snapshot()));
      }
    },
  };
}
