import { bodyFormat } from '../replay/message-boundaries.js';
import type { Recording } from '../replay/recording.js';
import { endpointOf, pathOf } from './request-info.js';
import type { RecordingCandidate } from './types.js';

/** A candidate whose use count the fetch updates. */
export type Candidate = RecordingCandidate & { uses: number };

// The first messages are enough to learn the model and the Ollama endpoint.
const HEAD_BYTES = 64 * 1024;
const HEAD_MESSAGES = 8;

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
  const format = bodyFormat(recording);
  const first = firstMessages(recording.body, format);
  const candidate: Candidate = {
    name,
    recording,
    endpoint: meta.endpoint ? endpointOf(pathOf(meta.endpoint)) : format === 'sse' ? '/v1/chat/completions' : ollamaEndpoint(first),
    models: [],
    uses: 0,
  };
  if (meta.method) candidate.method = meta.method.toUpperCase();
  if (meta.model) candidate.models.push(meta.model);
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

function streamsByType(type: string | undefined): boolean | undefined {
  if (!type) return undefined;
  const lower = type.toLowerCase();
  if (lower.includes('event-stream') || lower.includes('ndjson') || lower.includes('jsonl')) return true;
  return lower.includes('json') ? false : undefined;
}

function ollamaEndpoint(messages: Array<Record<string, unknown>>): string {
  for (const message of messages) {
    if ('response' in message) return '/api/generate';
    if ('message' in message) return '/api/chat';
  }
  return '/api/chat';
}

/** The first JSON objects of the body: SSE `data:` payloads or NDJSON lines. */
function firstMessages(body: Uint8Array, format: 'sse' | 'ndjson'): Array<Record<string, unknown>> {
  const text = new TextDecoder().decode(body.subarray(0, HEAD_BYTES));
  const out: Array<Record<string, unknown>> = [];
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (out.length >= HEAD_MESSAGES) break;
    const json = format === 'sse' ? /^data: ?(.*)$/.exec(line)?.[1] : line;
    if (!json || !json.trim()) continue;
    try {
      const value: unknown = JSON.parse(json);
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) out.push(value as Record<string, unknown>);
    } catch {
      // `[DONE]`, or a line cut by the head limit.
    }
  }
  return out;
}
