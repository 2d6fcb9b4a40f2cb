import { detectBody } from '../providers/detect.js';
import { endpointsForPayloads } from '../providers/registry.js';
import type { Recording } from '../replay/recording.js';
import { mediaTypeOf, transportFromContentType } from '../transports/transport-table.js';
import { endpointOf, pathOf } from './request-info.js';
import type { RecordingCandidate } from './types.js';

/** A candidate whose use count the fetch updates. */
export type Candidate = RecordingCandidate & { uses: number };

/**
 * What a recording answers: the endpoint (from its metadata, else from its format: SSE is
 * `/v1/chat/completions`, NDJSON is `/api/chat` unless its lines carry `response`, then
 * `/api/generate`), the method, the models (recorded and reported), and whether it streams.
 *
 * @example
 * ```ts
 * candidateOf('ollama-generate', recording).endpoint; // '/api/generate'
 * ```
 */
export function candidateOf(name: string, recording: Recording): Candidate {
  const meta = recording.meta ?? {};
  const detected = detectBody(recording.body, meta.contentType ?? meta.headers?.['content-type']);
  const format = detected.transport;
  const first = detected.payloads;
  const candidate: Candidate = {
    name,
    recording,
    endpoint: meta.endpoint ? endpointOf(pathOf(meta.endpoint)) : endpointsForPayloads(detected.provider, first)[0]!,
    models: [],
    uses: 0,
  };
  if (meta.method) candidate.method = meta.method.toUpperCase();
  if (meta.model) candidate.models.push(meta.model);
  if (meta.quirk) candidate.quirk = meta.quirk;
  const reported = first.map((m) => m.model).find((m): m is string => typeof m === 'string');
  if (reported && reported !== meta.model) candidate.models.push(reported);
  // Without a content type, an SSE body or more than one NDJSON line is a stream. An error
  // answer (a JSON 429) answers streaming and plain requests alike.
  const stream = streamsByType(meta.contentType ?? meta.headers?.['content-type']) ?? (format === 'sse' || first.length > 1 ? true : undefined);
  if (stream !== undefined && (meta.status ?? 200) < 400) candidate.stream = stream;
  return candidate;
}

/** A short description for error messages: `openai-text (POST /v1/chat/completions, gpt-4o-mini, stream)`. */
export function describeCandidate(candidate: RecordingCandidate): string {
  const parts = [`${candidate.method ? `${candidate.method} ` : ''}${candidate.endpoint}`];
  parts.push(candidate.models.length ? candidate.models.join(' / ') : 'any model');
  if (candidate.stream !== undefined) parts.push(candidate.stream ? 'stream' : 'not a stream');
  if (candidate.uses) parts.push(`used ${candidate.uses}×`);
  return `${candidate.name} (${parts.join(', ')})`;
}

/** Whether a content type says the body is a stream (SSE, NDJSON) or one JSON value; undefined when it says neither. */
function streamsByType(type: string | undefined): boolean | undefined {
  const media = mediaTypeOf(type);
  if (media === undefined) return undefined;
  if (media === 'application/json' || media.endsWith('+json')) return false;
  return transportFromContentType(media) !== undefined ? true : undefined;
}
