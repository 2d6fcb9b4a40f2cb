// Node-only entry: files, the replay HTTP server, the CLI.

/**
 * Node-only entry: files, the replay HTTP server, the CLI.
 * @module chunkwise/node
 */
export { createReplayServer, type ReplayServer, type ReplayServerOptions, type ReplayRequestInfo } from './node/serve/server.js';
export type { PlaybackOptions } from './node/serve/playback.js';
export { readRecording, writeRecording, listRecordings, sidecarPathOf, RECORDING_BODY_TYPES, RECORDING_FILE_MODE, type RecordingEntry, type WriteRecordingOptions } from './node/recording-files.js';
