// Test kit: record and replay LLM streams through fetch. Web-standard; `dir` loads Node code lazily.

/**
 * Test kit: record and replay LLM streams through fetch. Web-standard; `dir` loads Node code lazily.
 * @module chunkwise/testing
 */
export { recordingFetch } from './testing/recording-fetch.js';
export { matchRecording, recordingFits } from './testing/match-recording.js';
export type {
  FetchFunction,
  NamedRecording,
  RecordingCandidate,
  RecordingFetch,
  RecordingFetchCall,
  RecordingFetchMode,
  RecordingFetchOptions,
  RecordingMatcher,
  RecordingRequest,
} from './testing/types.js';
export type { Recording, RecordingEnd, RecordingMeta, RecordingPiece } from './replay/recording.js';
export type { ReplayTiming } from './replay/replay-plan.js';
