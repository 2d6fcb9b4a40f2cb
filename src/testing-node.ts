// The test kit's Node build (`chunkwise/testing` under the `node` condition): the web-standard
// entry, with a recordingFetch whose `dir` option reads and writes a folder.
export * from './testing.js';
export { recordingFetch } from './node/testing/recording-fetch.js';
