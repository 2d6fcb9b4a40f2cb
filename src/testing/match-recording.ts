import type { RecordingCandidate, RecordingRequest } from './types.js';

// `gpt-4o-mini` asked, `gpt-4o-mini-2024-07-18` reported; `gpt-4` asked, `gpt-4-0613` reported.
const SNAPSHOT_SUFFIX = /^-(?:\d{4}-\d{2}-\d{2}|\d{4})$/;

/**
 * Whether a recording can answer a request: same endpoint, same method (when recorded), a
 * model it was made with or reports (or a dated snapshot of it: `gpt-4o-mini-2024-07-18`
 * answers `gpt-4o-mini`), and the same kind of answer (stream or not). A side that does not
 * know a field (no model in the request, a raw body with no metadata) does not constrain it.
 *
 * @example
 * ```ts
 * recordingFits({ endpoint: '/api/chat', model: 'llama3.2', … }, candidate);
 * ```
 */
export function recordingFits(request: RecordingRequest, candidate: RecordingCandidate): boolean {
  if (candidate.endpoint !== request.endpoint) return false;
  if (candidate.method && candidate.method !== request.method) return false;
  if (request.stream !== undefined && candidate.stream !== undefined && request.stream !== candidate.stream) return false;
  const model = request.model;
  if (model === undefined || candidate.models.length === 0) return true;
  return candidate.models.some((m) => sameModel(model, m));
}

/** Whether a recording made with (or reporting) `recorded` answers a request for `asked`: the same name, or a dated snapshot of it. */
export function sameModel(asked: string, recorded: string): boolean {
  return recorded === asked || (recorded.startsWith(asked) && SNAPSHOT_SUFFIX.test(recorded.slice(asked.length)));
}

/** Whether a recording may answer a request that does not name it: not one kept to show a server quirk (`meta.quirk`). */
export function answersUnnamed(candidate: { quirk?: string }): boolean {
  return candidate.quirk === undefined;
}

/**
 * The default matcher: of the recordings that fit the request (see {@link recordingFits}) and
 * are not kept to show a server quirk (`meta.quirk`: those answer only by name), the least used, first in order (in-memory recordings, then the folder's by name). So each
 * recording answers one request in turn, and with `repeat: true` they go round again.
 * Wrap it to add your own rules.
 *
 * @example
 * ```ts
 * recordingFetch({ dir, match: (request, recordings) => (request.headers['x-case'] ?? matchRecording(request, recordings)) });
 * ```
 */
export function matchRecording(request: RecordingRequest, recordings: readonly RecordingCandidate[]): RecordingCandidate | undefined {
  let best: RecordingCandidate | undefined;
  for (const candidate of recordings) {
    if (!answersUnnamed(candidate) || !recordingFits(request, candidate)) continue;
    if (!best || candidate.uses < best.uses) best = candidate;
  }
  return best;
}
