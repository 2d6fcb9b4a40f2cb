import type { ServerResponse } from 'node:http';
import { jsonTextIndented } from '../../assembly/json-text.js';
import { assemble } from '../../operators/assemble.js';
import { replay, type ReplayOptions } from '../../replay/replay.js';
import { contentTypeOfRecording } from '../../replay/message-boundaries.js';
import { DEFAULT_TOKENS_PER_SECOND } from '../../replay/replay-plan.js';
import type { CatalogEntry } from './catalog.js';

/** How recordings are played back: recorded timing scaled by `speed`, or everything at once. */
export interface PlaybackOptions {
  /** Send each body at once, without the recorded delays. */
  instant?: boolean;
  /** Time runs this many times faster than recorded. Default 1. */
  speed?: number;
  /** Pace of recordings without piece timing: SSE events / NDJSON lines per second. Default 50. */
  tokensPerSecond?: number;
}

// Recorded headers that describe the original connection or encoding, not this replay.
const DROPPED_HEADERS = new Set(['content-length', 'content-encoding', 'transfer-encoding', 'connection', 'keep-alive', 'set-cookie', 'date']);

/** The replay options for one recording: recorded timing when it has some, else an even synthetic pace. */
export function replayOptionsFor(entry: CatalogEntry, playback: PlaybackOptions): ReplayOptions {
  if (playback.instant) return { timing: 'instant' };
  const speed = playback.speed ?? 1;
  if (entry.timed) return { timing: 'recorded', speed };
  return { timing: 'synthetic', speed, tokensPerSecond: playback.tokensPerSecond ?? DEFAULT_TOKENS_PER_SECOND };
}

/** Streams a recording's body into `res` with its status and headers; stops when the client goes away. */
export function streamRecording(entry: CatalogEntry, res: ServerResponse, playback: PlaybackOptions): void {
  const meta = entry.recording.meta ?? {};
  for (const [name, value] of Object.entries(meta.headers ?? {})) {
    const key = name.toLowerCase();
    if (!DROPPED_HEADERS.has(key) && !key.startsWith('access-control-')) res.setHeader(key, value);
  }
  res.setHeader('content-type', contentTypeOfRecording(entry.recording));
  res.setHeader('cache-control', 'no-cache');
  res.setHeader('x-chunkwise-recording', entry.name);
  res.writeHead(entry.status, meta.statusText || undefined);
  res.flushHeaders();

  const subscription = replay(entry.recording, replayOptionsFor(entry, playback)).subscribe({
    next: (piece) => res.write(piece),
    error: () => res.destroy(),
    complete: () => res.end(),
  });
  res.on('close', () => subscription.unsubscribe());
}

/**
 * Answers a non-streaming request (`stream: false`) with the recording's final object, as the
 * provider would; a recording whose stream fails answers 502 with the error and the partial object.
 */
export async function sendFinalObject(entry: CatalogEntry, res: ServerResponse): Promise<void> {
  try {
    const response = await assemble(entry.recording.body);
    sendJson(res, 200, response, { 'x-chunkwise-recording': entry.name });
  } catch (error) {
    const e = error as { message?: string; code?: string; partial?: unknown };
    sendJson(res, 502, { error: { message: e.message ?? String(error), type: e.code ?? 'error' }, partial: e.partial ?? null }, { 'x-chunkwise-recording': entry.name });
  }
}

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const body = `${jsonTextIndented(value)}\n`;
  res.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** An error in the OpenAI shape (`{ error: { message, type } }`), which both SDKs report well. */
export function sendError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, { error: { message, type: status === 404 ? 'not_found' : 'invalid_request_error' } });
}
