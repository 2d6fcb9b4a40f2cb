/**
 * The transports chunkwise decodes, and how a body says which one it is: its content type, or
 * else its first bytes. This is the first stage of wire-format detection; the second (which
 * provider, from the first decoded payload) is in `providers/registry.ts`, which builds on this
 * table. Nothing else in `src/` reads content types or first bytes to tell formats apart.
 */

import { concatBytes } from './concat-bytes.js';

export type TransportName = 'sse' | 'ndjson';

/** What the rest of the code needs to know of a transport besides its decoder. */
export interface TransportSpec {
  name: TransportName;
  /** The media types (lowercase, without parameters) that carry it. */
  mediaTypes: readonly string[];
  /** The content type chunkwise sends (`accept`), serves and records for it. */
  contentType: string;
  /** Recording body file extensions; the first is the one chunkwise writes. */
  extensions: readonly string[];
  /** How messages name it (`a text/event-stream response`). */
  description: string;
  /**
   * Whether a response that says it is complete ends the body there (NDJSON has no end marker
   * of its own: Ollama's `done: true` line is the last). SSE waits for `[DONE]` or the end of
   * the bytes, since chunks may follow a finish (usage).
   */
  endsAtComplete: boolean;
}

export const TRANSPORTS: Readonly<Record<TransportName, TransportSpec>> = {
  sse: {
    name: 'sse',
    mediaTypes: ['text/event-stream'],
    contentType: 'text/event-stream',
    extensions: ['.sse'],
    description: 'a text/event-stream',
    endsAtComplete: false,
  },
  ndjson: {
    name: 'ndjson',
    // `application/json`: Ollama answers `stream: false` (and some proxies any NDJSON) with it.
    mediaTypes: ['application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/json-lines', 'application/jsonlines', 'application/json'],
    contentType: 'application/x-ndjson',
    extensions: ['.ndjson', '.jsonl'],
    description: 'an NDJSON',
    endsAtComplete: true,
  },
};

export const TRANSPORT_NAMES = Object.keys(TRANSPORTS) as TransportName[];

/** What a body is when nothing tells (no content type, no byte but blanks): SSE, the format that says least. */
export const DEFAULT_TRANSPORT: TransportName = 'sse';

/** The media type of a content type header: before any `;` parameter, trimmed, lowercase. */
export function mediaTypeOf(contentType: string | null | undefined): string | undefined {
  if (!contentType) return undefined;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return type === '' ? undefined : type;
}

/** The transport a content type names, or undefined when it names none (absent, `text/html`, …). */
export function transportFromContentType(contentType: string | null | undefined): TransportName | undefined {
  const type = mediaTypeOf(contentType);
  if (type === undefined) return undefined;
  for (const name of TRANSPORT_NAMES) if (TRANSPORTS[name].mediaTypes.includes(type)) return name;
  return undefined;
}

/** The transport of a recording file's extension (`.sse`, `.ndjson`, `.jsonl`), case-insensitive. */
export function transportFromExtension(path: string): TransportName | undefined {
  const lower = path.toLowerCase();
  for (const name of TRANSPORT_NAMES) if (TRANSPORTS[name].extensions.some((extension) => lower.endsWith(extension))) return name;
  return undefined;
}

/** Every recording body extension, for messages and file patterns. */
export const RECORDING_EXTENSIONS: readonly string[] = TRANSPORT_NAMES.flatMap((name) => TRANSPORTS[name].extensions);

/** `name` without a recording body extension at its end (`openai-text.sse` → `openai-text`). */
export function stripRecordingExtension(name: string): string {
  const lower = name.toLowerCase();
  const extension = RECORDING_EXTENSIONS.find((e) => lower.endsWith(e));
  return extension === undefined ? name : name.slice(0, -extension.length);
}

const BOM = [0xef, 0xbb, 0xbf];

/**
 * The transport implied by the first bytes of a body: an NDJSON line starts with `{` or `[`;
 * anything else (a field name, a `:` comment or keep-alive) is SSE. A UTF-8 BOM and blank space
 * before it are skipped. Undefined while nothing else has arrived, or while the bytes so far
 * could still be a BOM cut short (a lone 0xEF is not SSE text): the caller waits for more.
 */
export function transportFromFirstBytes(bytes: Uint8Array): TransportName | undefined {
  let i = 0;
  for (; i < BOM.length && i < bytes.length; i++) if (bytes[i] !== BOM[i]) break;
  if (i === bytes.length && i > 0 && i < BOM.length) return undefined;
  return transportAfterBlanks(bytes, i === BOM.length ? i : 0);
}

/** The transport implied by the first non-blank byte at or after `from`. */
function transportAfterBlanks(bytes: Uint8Array, from: number): TransportName | undefined {
  for (let i = from; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) continue;
    return c === 0x7b /* { */ || c === 0x5b /* [ */ ? 'ndjson' : 'sse';
  }
  return undefined;
}

/**
 * The transport of a whole body, as detection decides it: the content type when it names one,
 * else the first bytes, else (an empty or blank body) the default.
 */
export function transportOfBody(body: Uint8Array, contentType?: string | null): TransportName {
  return transportFromContentType(contentType) ?? transportFromFirstBytes(body) ?? DEFAULT_TRANSPORT;
}

/**
 * Holds the pieces of a body whose transport is not known yet, until its first bytes say
 * (the bytes looked at are the pieces so far together, so a BOM cut across pieces is seen whole).
 */
export function createTransportSniffer() {
  const waiting: Uint8Array[] = [];
  let seen = 0;
  let decided: TransportName | undefined;
  return {
    /** Keeps `piece`; returns the transport once it is known. */
    push(piece: Uint8Array): TransportName | undefined {
      waiting.push(piece);
      if (decided === undefined) {
        // Only the first three bytes can hold a BOM: past them, blank pieces are looked at alone
        // (joining every piece so far each time would be quadratic in a blank body).
        decided = seen >= BOM.length ? transportAfterBlanks(piece, 0) : transportFromFirstBytes(concatBytes(waiting));
        seen += piece.byteLength;
      }
      return decided;
    },
    /** The pieces kept so far, handed over once. */
    take(): Uint8Array[] {
      return waiting.splice(0);
    },
  };
}


/** The SSE field names a stream can open with (a line `data: …`, `event: …`; `:` starts a comment). */
const SSE_OPENINGS = ['data', 'event', 'id', 'retry'];

/**
 * Whether the first bytes of a body are the start of a stream: `{` or `[` (an NDJSON line) or an
 * SSE line (`data:`, `event:`, `id:`, `retry:`, a `:` comment). Stricter than
 * {@link transportFromFirstBytes}, which only has to choose between the two: this tells a stream
 * from a body that is neither (an HTML login page), for a response whose content type names
 * no transport. Undefined while the bytes so far could still go either way.
 */
export function streamOfFirstBytes(bytes: Uint8Array): TransportName | 'neither' | undefined {
  let i = 0;
  for (; i < BOM.length && i < bytes.length; i++) if (bytes[i] !== BOM[i]) break;
  if (i > 0 && i < BOM.length) return i === bytes.length ? undefined : 'neither';
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)) i++;
  if (i === bytes.length) return undefined;
  const c = bytes[i]!;
  if (c === 0x7b || c === 0x5b) return 'ndjson';
  if (c === 0x3a /* : */) return 'sse';
  let undecided = false;
  for (const name of SSE_OPENINGS) {
    let k = 0;
    while (k < name.length && i + k < bytes.length && bytes[i + k] === name.charCodeAt(k)) k++;
    if (k < name.length) {
      if (i + k === bytes.length) undecided = true;
      continue;
    }
    if (i + k === bytes.length) undecided = true;
    // A field name ends at `:` or at the line's end (`data` alone is a field with no value).
    else if (bytes[i + k] === 0x3a || bytes[i + k] === 0x0a || bytes[i + k] === 0x0d) return 'sse';
  }
  return undecided ? undefined : 'neither';
}
