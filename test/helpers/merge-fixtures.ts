/**
 * Test helper: the merge-rule fixtures (test/fixtures/merge-rules, provenance in its README),
 * assembled through the public `assemble` fed whole and in 1-byte pieces, with every event.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { streamEvents } from '../../src/index.js';
import type { ChunkwiseError } from '../../src/errors.js';

export const MERGE_FIXTURES = join(process.cwd(), 'test/fixtures/merge-rules');

export function fixtureBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(MERGE_FIXTURES, name)));
}

export interface Outcome {
  value?: unknown;
  error?: ChunkwiseError;
  events: Array<{ type: string } & Record<string, unknown>>;
}

async function* onePerByte(body: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < body.length; i++) yield body.subarray(i, i + 1);
}

/** The outcome of assembling `body` fed `whole` or one byte at a time. */
export async function outcomeOf(body: Uint8Array, whole: boolean): Promise<Outcome> {
  const events: Outcome['events'] = [];
  let value: unknown;
  try {
    await new Promise<void>((resolve, reject) => {
      streamEvents(whole ? body : onePerByte(body)).subscribe({
        next(e) {
          if (e.type === 'done') value = JSON.parse(JSON.stringify(e.response));
          else if (e.type !== 'chunk') {
            const { snapshot: _snapshot, ...rest } = e as unknown as Record<string, unknown>;
            // `partial` of arguments events is a live value: compare what it is at the end.
            delete rest.partial;
            events.push(rest as Outcome['events'][number]);
          }
        },
        error: reject,
        complete: resolve,
      });
    });
    return { value, events };
  } catch (error) {
    return { error: error as ChunkwiseError, events };
  }
}

/** Both outcomes, checked to be the same; returns the whole-body one. */
export async function sameWholeAndBytewise(name: string): Promise<{ whole: Outcome; bytewise: Outcome }> {
  const body = fixtureBytes(name);
  return { whole: await outcomeOf(body, true), bytewise: await outcomeOf(body, false) };
}
