/**
 * Test helper: an SSE body (a recording or an inline wire text) to the payloads an assembler
 * is fed, through the library's own SSE decoder, cut into any pieces.
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ParseError, type ChunkwiseError } from '../../src/errors.js';
import { createSseDecoder } from '../../src/transports/sse.js';

/** Real recorded bodies kept in the repository, with their provenance (test/fixtures/reference-streams/PROVENANCE.md). */
export const REFERENCE_STREAMS = join(__dirname, '../fixtures/reference-streams');

export interface SsePayloads {
  /** The parsed `data:` payloads, in order, without `[DONE]`. */
  payloads: unknown[];
  /** The SSE event number of each payload (for `push(payload, { event })`). */
  events: number[];
  /** `data: [DONE]` arrived. */
  terminated: boolean;
  /** The error the decoder reported (event: error, `{"error":…}` payload, bad UTF-8). */
  error?: ChunkwiseError;
}

/** Decodes `body` (fed as the given pieces, or whole) into payloads. */
export function ssePayloads(body: string | Uint8Array | ReadonlyArray<string | Uint8Array>): SsePayloads {
  const out: SsePayloads = { payloads: [], events: [], terminated: false };
  const decoder = createSseDecoder({
    message(m) {
      if (out.error) return;
      try {
        out.payloads.push(JSON.parse(m.data));
        out.events.push(m.number);
      } catch (cause) {
        out.error = new ParseError('An SSE event is not valid JSON', { event: m.number, cause });
      }
    },
    done() {
      out.terminated = true;
    },
    error(e) {
      out.error = e;
    },
  });
  const pieces = typeof body === 'string' || body instanceof Uint8Array ? [body] : body;
  for (const piece of pieces) decoder.feed(piece);
  decoder.end();
  return out;
}

/** The bytes of a reference recording, by file name or path. */
export function readRecording(nameOrPath: string): Uint8Array {
  const path = nameOrPath.includes('/') ? nameOrPath : `${REFERENCE_STREAMS}/${nameOrPath}`;
  return new Uint8Array(readFileSync(path));
}

/** An SSE wire text from payloads: `data: <json>` events, then `data: [DONE]` unless `done` is false. */
export function sseText(payloads: ReadonlyArray<unknown>, done = true): string {
  return payloads.map((p) => `data: ${typeof p === 'string' ? p : JSON.stringify(p)}\n\n`).join('') + (done ? 'data: [DONE]\n\n' : '');
}

/** `name.sse` → `name`. */
export function recordingName(path: string): string {
  return basename(path).replace(/\.sse$/, '');
}

export interface AssembledSse<F> {
  /** The final object, when the stream assembled. */
  final?: F;
  /** The error (with `partial`) when it did not. */
  error?: ChunkwiseError;
}

/**
 * Feeds an SSE body through the decoder into an assembler the way the pipeline does (each
 * payload with its event number), then finishes it. Errors come back with their `partial`.
 */
export function assembleSse<F>(
  body: string | Uint8Array | ReadonlyArray<string | Uint8Array>,
  assembler: { push(payload: unknown, position?: { event?: number }): unknown; snapshot(): unknown; finish(terminated: boolean, lenient: boolean): F },
  lenient = false,
): AssembledSse<F> {
  const decoded = ssePayloads(body);
  let pushed = false;
  try {
    for (let i = 0; i < decoded.payloads.length; i++) {
      assembler.push(decoded.payloads[i], { event: decoded.events[i] });
      pushed = true;
    }
    if (decoded.error) throw decoded.error;
    return { final: assembler.finish(decoded.terminated, lenient) };
  } catch (error) {
    const e = error as ChunkwiseError;
    if (e.partial === undefined && pushed) e.partial = assembler.snapshot();
    return { error: e };
  }
}
