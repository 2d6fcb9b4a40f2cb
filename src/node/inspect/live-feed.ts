/**
 * The streams the inspect server knows (recordings it was given, requests it proxied), and the
 * pages following them: each page gets every stream so far, then each new piece as it arrives.
 */
import type { ServerResponse } from 'node:http';
import { jsonText } from '../../assembly/json-text.js';
import type { Recording, RecordingEnd, RecordingMeta, RecordingPiece } from '../../replay/recording.js';

export interface CapturedStream {
  id: string;
  label: string;
  meta: RecordingMeta;
  chunks: Uint8Array[];
  pieces: RecordingPiece[];
  size: number;
  end?: RecordingEnd;
  timed: boolean;
  /** Proxied streams can be saved from the page; a file given on the command line already is one. */
  savable: boolean;
}

/** A stream's bytes as one recording. */
export function toRecording(stream: CapturedStream): Recording {
  const body = new Uint8Array(stream.size);
  let offset = 0;
  for (const chunk of stream.chunks) {
    body.set(chunk, offset);
    offset += chunk.length;
  }
  return { body, meta: stream.meta, ...(stream.timed ? { pieces: stream.pieces } : {}), ...(stream.end ? { end: stream.end } : {}) };
}

export class LiveFeed {
  readonly streams = new Map<string, CapturedStream>();
  private readonly pages = new Set<ServerResponse>();
  private next = 0;

  add(label: string, meta: RecordingMeta, options: { timed: boolean; savable: boolean }): CapturedStream {
    const stream: CapturedStream = { id: String(++this.next), label, meta, chunks: [], pieces: [], size: 0, ...options };
    this.streams.set(stream.id, stream);
    this.broadcast(this.announce(stream));
    return stream;
  }

  /** Adds a whole recording (a file): announced with all its bytes at once. */
  addRecording(label: string, recording: Recording): CapturedStream {
    const stream: CapturedStream = {
      id: String(++this.next),
      label,
      meta: recording.meta ?? {},
      chunks: [recording.body],
      pieces: recording.pieces ?? [{ offset: 0, length: recording.body.length, at: 0 }],
      size: recording.body.length,
      end: recording.end ?? { at: recording.pieces?.at(-1)?.at ?? 0, outcome: 'complete' },
      timed: Boolean(recording.pieces?.length),
      savable: false,
    };
    this.streams.set(stream.id, stream);
    this.broadcast(this.announce(stream));
    return stream;
  }

  piece(stream: CapturedStream, bytes: Uint8Array, at: number): void {
    if (stream.end || bytes.length === 0) return;
    stream.pieces.push({ offset: stream.size, length: bytes.length, at });
    stream.chunks.push(bytes);
    stream.size += bytes.length;
    this.broadcast({ type: 'piece', id: stream.id, at, data: Buffer.from(bytes).toString('base64') });
  }

  finish(stream: CapturedStream, end: RecordingEnd): void {
    if (stream.end) return;
    stream.end = end;
    this.broadcast({ type: 'end', id: stream.id, end });
  }

  /** Answers `GET api/live`: an SSE stream of everything so far, then what comes. */
  follow(res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write(': chunkwise inspect\n\n');
    for (const stream of this.streams.values()) res.write(frame(this.announce(stream)));
    this.pages.add(res);
    res.on('close', () => this.pages.delete(res));
  }

  close(): void {
    for (const page of this.pages) page.end();
    this.pages.clear();
  }

  /** The bytes of a stream so far (`GET api/requests/ID/body`). */
  body(stream: CapturedStream): Buffer {
    return Buffer.concat(stream.chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)));
  }

  // The bytes so far are fetched as they are (`size` of them): a long recording as base64 inside
  // one JSON message would cost the page a decode of a third more text, all in one task.
  private announce(stream: CapturedStream): unknown {
    return {
      type: 'request',
      id: stream.id,
      label: stream.label,
      meta: stream.meta,
      size: stream.size,
      pieces: stream.pieces.slice(),
      ...(stream.end ? { end: stream.end } : {}),
      timed: stream.timed,
      savable: stream.savable,
    };
  }

  private broadcast(message: unknown): void {
    const text = frame(message);
    for (const page of this.pages) page.write(text);
  }
}

function frame(message: unknown): string {
  return `data: ${jsonText(message)}\n\n`;
}
