import { UsageError } from '../errors.js';
import { redactHeaders, redactSecrets, redactText } from '../assembly/redact.js';
import {
  RECORDING_FORMAT_NAME,
  RECORDING_FORMAT_VERSION,
  type Recording,
  type RecordingEnd,
  type RecordingMeta,
  type RecordingPiece,
  type RecordingSidecar,
} from './recording.js';

/**
 * The sidecar JSON for a recording: format tag, version, metadata (secrets redacted), pieces
 * and end. The body is not part of it; it lives in its own file.
 *
 * @example
 * ```ts
 * const json = JSON.stringify(recordingToSidecar(recording), null, 2);
 * ```
 */
export function recordingToSidecar(recording: Recording): RecordingSidecar {
  const sidecar: RecordingSidecar = { format: RECORDING_FORMAT_NAME, version: RECORDING_FORMAT_VERSION };
  if (recording.meta) sidecar.meta = redactMeta(recording.meta);
  if (recording.pieces) sidecar.pieces = recording.pieces.map(({ offset, length, at }) => ({ offset, length, at }));
  if (recording.end) sidecar.end = recording.end.error === undefined ? { ...recording.end } : { ...recording.end, error: redactText(recording.end.error) };
  return sidecar;
}

/**
 * Joins a body with its parsed sidecar JSON, checking the sidecar: the format tag, a version
 * this library reads, and pieces that tile the body exactly. `source` names the sidecar in
 * error messages.
 *
 * @throws UsageError when the sidecar is not one, has a newer version, or does not fit the body.
 * @example
 * ```ts
 * const [body, sidecar] = await Promise.all([fetch('a.sse').then((r) => r.bytes()), fetch('a.sse.json').then((r) => r.json())]);
 * const recording = recordingFromSidecar(body, sidecar, 'a.sse.json');
 * ```
 */
export function recordingFromSidecar(body: Uint8Array, sidecar: unknown, source = 'sidecar'): Recording {
  const fail = (why: string) => new UsageError(`${source} is not a valid recording sidecar: ${why}`);
  if (!isObject(sidecar)) throw fail('expected a JSON object');
  if (sidecar.format !== RECORDING_FORMAT_NAME) throw fail(`"format" must be "${RECORDING_FORMAT_NAME}"`);
  const version = sidecar.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) throw fail('"version" must be a positive integer');
  if (version > RECORDING_FORMAT_VERSION) throw fail(`version ${version} is newer than this library reads (${RECORDING_FORMAT_VERSION})`);

  const recording: Recording = { body };
  if (sidecar.meta !== undefined) {
    if (!isObject(sidecar.meta)) throw fail('"meta" must be an object');
    recording.meta = sidecar.meta as RecordingMeta;
  }
  if (sidecar.pieces !== undefined) {
    const problem = piecesProblem(sidecar.pieces, body.byteLength);
    if (problem) throw fail(problem);
    recording.pieces = (sidecar.pieces as RecordingPiece[]).map(({ offset, length, at }) => ({ offset, length, at }));
  }
  if (sidecar.end !== undefined) {
    const end = sidecar.end;
    if (!isObject(end) || !isTime(end.at) || !['complete', 'error', 'cancelled'].includes(end.outcome as string)) {
      throw fail('"end" must be { at, outcome: "complete" | "error" | "cancelled" }');
    }
    recording.end = { ...(end as unknown as RecordingEnd) };
  }
  return recording;
}

/**
 * Why `pieces` do not tile a body of `bodyLength` bytes in time order, or undefined when they do.
 *
 * @example
 * ```ts
 * piecesProblem([{ offset: 0, length: 3, at: 0 }], 4); // 'the pieces cover 3 of 4 body bytes'
 * ```
 */
export function piecesProblem(pieces: unknown, bodyLength: number): string | undefined {
  if (!Array.isArray(pieces)) return '"pieces" must be an array';
  let offset = 0;
  let at = 0;
  for (let i = 0; i < pieces.length; i++) {
    const piece: unknown = pieces[i];
    if (!isObject(piece) || !isCount(piece.offset) || !isCount(piece.length) || !isTime(piece.at)) {
      return `pieces[${i}] must be { offset, length, at } with non-negative numbers`;
    }
    if (piece.offset !== offset) return `pieces[${i}] starts at byte ${piece.offset}, expected ${offset} (pieces must be contiguous)`;
    if (piece.at < at) return `pieces[${i}] arrives at ${piece.at} ms, before the piece before it (${at} ms)`;
    offset += piece.length;
    at = piece.at;
  }
  if (offset !== bodyLength) return `the pieces cover ${offset} of ${bodyLength} body bytes`;
  return undefined;
}

function redactMeta(meta: RecordingMeta): RecordingMeta {
  const out = redactSecrets(meta);
  if (meta.headers) out.headers = redactHeaders(meta.headers);
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}
