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
 * The folder store, loaded only when a `dir` is given: the only way this web-standard module
 * reaches Node code, so `chunkwise/testing` stays importable in browsers.
 */
export async function folderStore(dir: string): Promise<RecordingStore> {
  try {
    const { fileRecordingStore } = await import('../node/testing/file-store.js');
    return fileRecordingStore(dir);
  } catch (error) {
    throw new UsageError(`recordingFetch: the dir option (${dir}) needs Node's file system, which could not be loaded: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

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
