import { createRecordingFetch } from '../../testing/recording-fetch.js';
import type { RecordingFetch, RecordingFetchOptions } from '../../testing/types.js';
import { checkFileMode } from '../recording-files.js';
import { fileRecordingStore } from './file-store.js';

/**
 * The test kit's `fetch` under Node: {@link createRecordingFetch} with `dir` read from and
 * saved to a folder. `chunkwise/testing` resolves here under Node (the `node` export
 * condition); see the web-standard `recordingFetch` for every option.
 *
 * @example
 * ```ts
 * const fetch = recordingFetch({ dir: 'test/recordings', mode: process.env.CI ? 'replay' : 'auto' });
 * ```
 */
export function recordingFetch(options: RecordingFetchOptions = {}): RecordingFetch {
  const { fileMode } = options;
  if (fileMode !== undefined) checkFileMode('recordingFetch: fileMode', fileMode);
  return createRecordingFetch(options, (dir) => fileRecordingStore(dir, fileMode === undefined ? {} : { fileMode }));
}
