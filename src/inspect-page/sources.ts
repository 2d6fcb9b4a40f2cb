/**
 * Where the page's streams come from: the `chunkwise inspect` server's live feed (an
 * EventSource), or files dropped onto the page / opened with the picker (no server at all).
 */
import { recordingFromSidecar, type Recording, type RecordingEnd, type RecordingMeta, type RecordingPiece } from '../index.js';
import { createInspection, type Inspection } from './model.js';

/** What the server sends on `api/live` (see src/node/inspect/live-feed.ts). */
export type LiveMessage =
  | { type: 'request'; id: string; label: string; meta: RecordingMeta; size: number; pieces: RecordingPiece[]; end?: RecordingEnd; timed: boolean; savable: boolean }
  | { type: 'piece'; id: string; at: number; data: string }
  | { type: 'end'; id: string; end: RecordingEnd };

export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Work done between two yields to the page: a long recording fills in without freezing it. */
const SLICE_MS = 40;
/**
 * When the page redraws while catching up: after 1 s, then twice as long each time, since each
 * redraw costs time in proportion to what has arrived (a handful of redraws in all).
 */
const FIRST_PROGRESS_MS = 1000;

const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Feeds a whole recording into an inspection, piece by piece with its timing. */
export async function inspectRecording(id: string, label: string, recording: Recording, timed: boolean): Promise<Inspection> {
  const inspection = createInspection(id, recording.meta ?? {}, { label, timed });
  await feedPieces(inspection, recording.body, recording.pieces);
  inspection.finish(recording.end);
  return inspection;
}

/** Feeds the pieces a slice at a time, calling `progress` at each yield so the page can redraw. */
async function feedPieces(inspection: Inspection, body: Uint8Array, pieces: RecordingPiece[] | undefined, progress?: () => void): Promise<void> {
  if (!pieces?.length) {
    if (body.length) inspection.feed(body, 0);
    return;
  }
  let sliceStart = performance.now();
  let shown = sliceStart;
  let interval = FIRST_PROGRESS_MS;
  for (const piece of pieces) {
    inspection.feed(body.subarray(piece.offset, piece.offset + piece.length), piece.at);
    const now = performance.now();
    if (now - sliceStart > SLICE_MS) {
      if (now - shown > interval) {
        progress?.();
        shown = now;
        interval *= 2;
      }
      await nextTask();
      sliceStart = performance.now();
    }
  }
}

export interface LiveHandlers {
  added(inspection: Inspection, savable: boolean): void;
  changed(inspection: Inspection): void;
  status(state: 'connecting' | 'live' | 'offline'): void;
}

/** Follows the server's live feed; resolves false when there is no server to follow. */
export function followLive(url: string, handlers: LiveHandlers): void {
  if (!/^https?:$/.test(location.protocol)) {
    handlers.status('offline');
    return;
  }
  const byId = new Map<string, Inspection>();
  const source = new EventSource(url);
  handlers.status('connecting');
  source.onopen = () => handlers.status('live');
  source.onerror = () => {
    // A static copy of the page (no server): stop retrying and show the drop zone.
    if (source.readyState === EventSource.CLOSED || byId.size === 0) {
      source.close();
      handlers.status('offline');
    }
  };
  // Each stream's messages are applied in order, after the slices of the ones before.
  const queues = new Map<string, Promise<void>>();
  const later = (id: string, work: () => void | Promise<void>) => queues.set(id, (queues.get(id) ?? Promise.resolve()).then(work));
  source.onmessage = (message) => {
    const data = JSON.parse(message.data as string) as LiveMessage;
    if (data.type === 'request') {
      if (byId.has(data.id)) return;
      const inspection = createInspection(data.id, data.meta, { label: data.label, timed: data.timed });
      byId.set(data.id, inspection);
      handlers.added(inspection, data.savable);
      later(data.id, async () => {
        // The bytes so far come as they are; the ones after `size` follow as pieces on the feed.
        const response = await fetch(`api/requests/${encodeURIComponent(data.id)}/body`);
        const body = new Uint8Array(await response.arrayBuffer()).subarray(0, data.size);
        await feedPieces(inspection, body, data.pieces, () => handlers.changed(inspection));
        if (data.end) inspection.finish(data.end);
        handlers.changed(inspection);
      });
      return;
    }
    const inspection = byId.get(data.id);
    if (!inspection) return;
    later(data.id, () => {
      if (data.type === 'piece') inspection.feed(fromBase64(data.data), data.at);
      else inspection.finish(data.end);
      handlers.changed(inspection);
    });
  };
}

const BODY_TYPES: Record<string, string> = { sse: 'text/event-stream', ndjson: 'application/x-ndjson', jsonl: 'application/x-ndjson' };

/**
 * Recordings from dropped or picked files: each body (`.sse`, `.ndjson`, `.jsonl`, or any
 * other text) with its sidecar (`BODY.json`) when that was dropped too.
 */
export async function inspectFiles(files: File[], nextId: () => string): Promise<{ inspections: Inspection[]; problems: string[] }> {
  const byName = new Map(files.map((f) => [f.name, f]));
  const inspections: Inspection[] = [];
  const problems: string[] = [];
  for (const file of files) {
    if (file.name.endsWith('.expected.json')) continue;
    if (file.name.endsWith('.json') && byName.has(file.name.slice(0, -5))) continue; // a sidecar: read with its body
    const body = new Uint8Array(await file.arrayBuffer());
    const sidecarFile = byName.get(`${file.name}.json`);
    let recording: Recording = { body };
    try {
      if (sidecarFile) recording = recordingFromSidecar(body, JSON.parse(await sidecarFile.text()), sidecarFile.name);
    } catch (error) {
      problems.push(`${sidecarFile!.name}: ${(error as Error).message}`);
    }
    const extension = file.name.split('.').pop()?.toLowerCase() ?? '';
    if (!recording.meta?.contentType && BODY_TYPES[extension]) recording.meta = { ...recording.meta, contentType: BODY_TYPES[extension] };
    inspections.push(await inspectRecording(nextId(), file.name, recording, Boolean(recording.pieces?.length)));
  }
  return { inspections, problems };
}
