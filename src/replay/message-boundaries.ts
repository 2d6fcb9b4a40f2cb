import type { Recording } from './recording.js';

/** The two body formats chunkwise reads. */
export type BodyFormat = 'sse' | 'ndjson';

const LF = 0x0a;
const CR = 0x0d;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;

/**
 * Whether a recording's body is SSE or NDJSON: from its content type when it has one, else
 * from the first non-blank byte (`{` or `[` means NDJSON).
 *
 * @example
 * ```ts
 * bodyFormat({ body: new TextEncoder().encode('{"done":true}\n') }); // 'ndjson'
 * ```
 */
export function bodyFormat(recording: Recording): BodyFormat {
  const type = (recording.meta?.contentType ?? recording.meta?.headers?.['content-type'] ?? '').toLowerCase();
  if (type.includes('event-stream')) return 'sse';
  if (type.includes('json')) return 'ndjson';
  for (const byte of recording.body) {
    if (byte === 0x20 || byte === 0x09 || byte === LF || byte === CR) continue;
    return byte === OPEN_BRACE || byte === OPEN_BRACKET ? 'ndjson' : 'sse';
  }
  return 'sse';
}

/**
 * The end offsets of the messages in a body: after each SSE event's terminating blank line,
 * or after each NDJSON line's `\n`. A trailing unterminated message ends at the body's end.
 * Works on bytes (CR and LF never occur inside a UTF-8 multi-byte character), so it never decodes.
 *
 * @example
 * ```ts
 * messageEnds(new TextEncoder().encode('data: a\n\ndata: b\n\n'), 'sse'); // [9, 18]
 * ```
 */
export function messageEnds(body: Uint8Array, format: BodyFormat): number[] {
  const ends: number[] = [];
  let lineStart = 0;
  // Whether a non-empty line arrived since the last message end.
  let open = false;
  for (let i = 0; i < body.length; i++) {
    const byte = body[i];
    if (byte !== LF && byte !== CR) continue;
    const lineEnd = byte === CR && body[i + 1] === LF ? i + 2 : i + 1;
    const empty = i === lineStart;
    if (!empty) open = true;
    // SSE: the empty line after an event ends it. NDJSON: each non-empty line is a message.
    // Stray blank lines join the message that follows them.
    if (open && (format === 'ndjson' || empty)) {
      ends.push(lineEnd);
      open = false;
    }
    i = lineEnd - 1;
    lineStart = lineEnd;
  }
  const last = ends.length ? ends[ends.length - 1]! : 0;
  if (last < body.length) {
    // An unterminated message ends the body; trailing blank lines join the message before.
    if (open || lineStart < body.length || ends.length === 0) ends.push(body.length);
    else ends[ends.length - 1] = body.length;
  }
  return ends;
}
