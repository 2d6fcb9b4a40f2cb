/**
 * However the network cuts a body into pieces (down to single bytes, inside UTF-8 characters),
 * the assembled object, the error, and the events are the same as for the whole body.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createOllamaAssembler } from '../../../src/providers/ollama/assembler.js';
import type { OllamaEvent } from '../../../src/providers/ollama/types.js';
import { assembleNdjson, cutAt, listFiles, OLLAMA_WIRE, RECORDINGS_DIR, referenceBody } from '../../helpers/ndjson-payloads.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const encoder = new TextEncoder();

const bodies: Array<[string, Uint8Array]> = [
  ['gemma3 chat', referenceBody('ollama-chat-gemma3-plain.ndjson')],
  ['dolphin3 generate', referenceBody('ollama-generate-dolphin3-context.ndjson')],
  ['http400 error body', referenceBody('ollama-chat-http400-error-body.ndjson')],
  ...listFiles(RECORDINGS_DIR, 'ollama-', '.ndjson').map((f): [string, Uint8Array] => [f, new Uint8Array(readFileSync(join(RECORDINGS_DIR, f)))]),
  ...Object.entries(OLLAMA_WIRE).map(([name, text]): [string, Uint8Array] => [name, encoder.encode(text)]),
];

/** What one run gives, in a comparable form: the final JSON or the error, and the events. */
function run(pieces: Uint8Array | Uint8Array[]) {
  const events: unknown[] = [];
  const assembler = createOllamaAssembler({
    onEvent: ({ snapshot: _snapshot, ...event }: OllamaEvent) => events.push(event),
  });
  const { final, error } = assembleNdjson(assembler, pieces);
  return {
    final: final === undefined ? undefined : JSON.stringify(final),
    error: error === undefined ? undefined : { name: error.name, message: error.message, partial: JSON.stringify(error.partial) },
    events,
  };
}

describe('cutting a body into arbitrary byte pieces', () => {
  for (const [name, body] of bodies) {
    const whole = run(body);

    it(`gives the same object, error and events for every cut of ${name}`, () => {
      fc.assert(
        fc.property(fc.array(fc.integer({ min: 1, max: Math.max(1, body.length - 1) }), { maxLength: 60 }), (offsets) => {
          expect(run(cutAt(body, offsets))).toEqual(whole);
        }),
        { numRuns: 60 },
      );
    });

    it(`gives the same object, error and events when ${name} arrives one byte at a time`, () => {
      expect(run(cutAt(body, Array.from({ length: body.length }, (_, i) => i)))).toEqual(whole);
    });
  }

  it('really cuts: a one-byte split of a multi-byte character still decodes', () => {
    const body = encoder.encode(OLLAMA_WIRE.chatLogprobs);
    const emoji = body.indexOf(0xf0);
    expect(emoji).toBeGreaterThan(0);
    expect(run(cutAt(body, [emoji + 1, emoji + 2, emoji + 3]))).toEqual(run(body));
  });
});
