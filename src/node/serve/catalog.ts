import { listRecordings, readRecording } from '../recording-files.js';
import { bodyFormat, type BodyFormat } from '../../replay/message-boundaries.js';
import type { Recording } from '../../replay/recording.js';

/** The endpoints the replay server answers, each with the body format it streams. */
export const ENDPOINTS = {
  '/v1/chat/completions': 'sse',
  '/api/chat': 'ndjson',
  '/api/generate': 'ndjson',
} as const satisfies Record<string, BodyFormat>;

export type Endpoint = keyof typeof ENDPOINTS;

/** A recording the server can play, with what it takes to choose it for a request. */
export interface CatalogEntry {
  /** The body's file name without extension (`openai-text`). */
  name: string;
  bodyPath: string;
  format: BodyFormat;
  /** The endpoints this recording can answer. */
  endpoints: Endpoint[];
  /** Models it names: the one the request asked for (sidecar) and the one the response reports. */
  models: string[];
  provider?: string;
  status: number;
  /** Whether it has recorded piece timing (a sidecar with pieces). */
  timed: boolean;
  /** Whether the body looks like a stream that ended well (no error payload, an end marker). */
  complete: boolean;
  recording: Recording;
}

const HEAD_BYTES = 8192;

/** Reads every recording in `dir` (sorted by name) and describes it. */
export async function loadCatalog(dir: string): Promise<CatalogEntry[]> {
  const entries = await listRecordings(dir);
  return Promise.all(
    entries.map(async ({ name, bodyPath }) => {
      const recording = await readRecording(bodyPath);
      return describeRecording(name, bodyPath, recording);
    }),
  );
}

export function describeRecording(name: string, bodyPath: string, recording: Recording): CatalogEntry {
  const format = bodyFormat(recording);
  const text = new TextDecoder().decode(recording.body);
  const head = text.slice(0, HEAD_BYTES);
  const models = new Set<string>();
  if (recording.meta?.model) models.add(recording.meta.model);
  const responseModel = /"model"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(head)?.[1];
  if (responseModel) models.add(responseModel);
  const entry: CatalogEntry = {
    name,
    bodyPath,
    format,
    endpoints: endpointsFor(format, head, recording.meta?.endpoint),
    models: [...models],
    status: recording.meta?.status ?? 200,
    timed: recording.pieces !== undefined && recording.pieces.length > 0,
    complete: looksComplete(format, text),
    recording,
  };
  const provider = recording.meta?.provider ?? (format === 'ndjson' ? 'ollama' : undefined);
  if (provider) entry.provider = provider;
  return entry;
}

function endpointsFor(format: BodyFormat, head: string, recorded: string | undefined): Endpoint[] {
  const path = recorded ? pathOf(recorded) : undefined;
  for (const endpoint of Object.keys(ENDPOINTS) as Endpoint[]) {
    if (path?.endsWith(endpoint) && ENDPOINTS[endpoint] === format) return [endpoint];
  }
  if (format === 'sse') return ['/v1/chat/completions'];
  // Ollama: chat lines carry `message`, generate lines carry `response`; an error body fits both.
  if (/"message"\s*:/.test(head)) return ['/api/chat'];
  if (/"response"\s*:/.test(head)) return ['/api/generate'];
  return ['/api/chat', '/api/generate'];
}

function looksComplete(format: BodyFormat, text: string): boolean {
  if (format === 'sse') {
    return !/^data:\s*\{\s*"error"/m.test(text) && !/^event:\s*error/m.test(text) && (/^data:\s*\[DONE\]/m.test(text) || /"finish_reason"\s*:\s*"/.test(text));
  }
  return !/^\s*\{\s*"error"/m.test(text) && /"done"\s*:\s*true/.test(text);
}

function pathOf(endpoint: string): string {
  try {
    return new URL(endpoint, 'http://x').pathname;
  } catch {
    return endpoint;
  }
}
