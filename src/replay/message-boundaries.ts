import { TRANSPORTS, transportOfBody, type TransportName } from '../transports/transport-table.js';
import type { Recording } from './recording.js';

const LF = 0x0a;
const CR = 0x0d;

/**
 * Whether a recording's body is SSE or NDJSON, as detection decides it (the content type when
 * it names a transport, else the first bytes).
 *
 * @example
 * ```ts
 * bodyFormat({ body: new TextEncoder().encode('{"done":true}\n') }); // 'ndjson'
 * ```
 */
export function bodyFormat(recording: Recording): TransportName {
  return transportOfBody(recording.body, recording.meta?.contentType ?? recording.meta?.headers?.['content-type']);
}

/** The content type a recording is replayed with: the recorded one, else its transport's. */
export function contentTypeOfRecording(recording: Recording): string {
  const meta = recording.meta ?? {};
  const header = Object.entries(meta.headers ?? {}).find(([name]) => name.toLowerCase() === 'content-type')?.[1];
  return meta.contentType ?? header ?? TRANSPORTS[bodyFormat(recording)].contentType;
}

/** The file extension a recording's body is written with (`.sse`, `.ndjson`), by its format. */
export function extensionOfRecording(recording: Recording): string {
  return TRANSPORTS[bodyFormat(recording)].extensions[0]!;
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
export function messageEnds(body: Uint8Array, format: TransportName): number[] {
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
