import { UsageError } from '../errors.js';
import type { Recording } from '../replay/recording.js';
import type { NamedRecording } from './types.js';

/** Where recordings are kept between runs: a folder on Node (`node/testing/file-store.ts`). */
export interface RecordingStore {
  /** Names the store in messages (the folder path). */
  readonly where: string;
  /** Every recording in it; none when it does not exist yet and `missingOk`. */
  load(missingOk: boolean): Promise<NamedRecording[]>;
  /** Fails with a UsageError naming the store when it cannot be written to. */
  ensureWritable(): Promise<void>;
  /** Saves a recording under a name (replacing one of that name); resolves with where it went. */
  save(name: string, recording: Recording): Promise<string>;
}

/**
 * Opens the store of a `dir`. The web-standard test kit has none (it never imports Node code,
 * so `chunkwise/testing` bundles for browsers); the Node build passes the folder store
 * (`node/testing/file-store.ts`).
 */
export type OpenStore = (dir: string) => RecordingStore;

/** In-memory recordings as named ones (`recording-1`, … for unnamed), checked to be recordings. */
export function namedRecordings(recordings: ReadonlyArray<Recording | NamedRecording>): NamedRecording[] {
  if (!Array.isArray(recordings)) throw new UsageError('recordingFetch: recordings must be an array of recordings or { name, recording }');
  return recordings.map((item, i) => {
    const named = isNamed(item) ? item : { name: `recording-${i + 1}`, recording: item };
    if (!(named.recording?.body instanceof Uint8Array)) {
      throw new UsageError(`recordingFetch: recordings[${i}]${isNamed(item) ? ` ("${item.name}")` : ''} is not a recording: expected { body: Uint8Array, pieces?, meta?, end? }`);
    }
    return named;
  });
}

function isNamed(item: Recording | NamedRecording): item is NamedRecording {
  return typeof item === 'object' && item !== null && typeof (item as NamedRecording).name === 'string' && 'recording' in item;
}
