// Smoke test of the built package under the running Node (CI runs it under Node 22 and 24 via
// `npx -y -p node@22 node test/smoke/smoke.mjs`): both module systems' entries load, one body
// assembles, one recording replays. Prints one line; exits non-zero on any failure.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const esm = await import('chunkwise');
const esmNode = await import('chunkwise/node');
const esmTesting = await import('chunkwise/testing');
const cjs = require('chunkwise');
const cjsNode = require('chunkwise/node');
const cjsTesting = require('chunkwise/testing');

const root = new URL('../../', import.meta.url);
const expected = JSON.parse(readFileSync(new URL('recordings/openai-text.expected.json', root), 'utf8'));
const bodyPath = new URL('recordings/openai-text.sse', root).pathname;

for (const [name, core, node, testing] of [['esm', esm, esmNode, esmTesting], ['cjs', cjs, cjsNode, cjsTesting]]) {
  // One assemble, from the bytes.
  assert.deepEqual(await core.assemble(readFileSync(bodyPath)), expected, `${name}: assemble`);
  // One replay: a recording read from disk, replayed as a Response, assembled.
  const recording = await node.readRecording(bodyPath);
  assert.deepEqual(await core.assemble(core.replayResponse(recording, { timing: 'instant' })), expected, `${name}: replay`);
  // The test kit's fetch answers from the recordings folder.
  const fetch = testing.recordingFetch({ dir: new URL('recordings', root).pathname, timing: 'instant', match: () => 'openai-text' });
  const response = await fetch('https://api.openai.com/v1/chat/completions', { method: 'POST', body: JSON.stringify({ model: expected.model, stream: true, messages: [] }) });
  assert.deepEqual(await core.assemble(response), expected, `${name}: recordingFetch`);
}
// One error identity across the two builds.
const failure = await cjs.assemble('data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"x"}}]}\n\n').catch((e) => e);
assert.ok(esm.isChunkwiseError(failure) && failure instanceof esm.TruncatedStreamError, 'a CJS error is recognised by the ESM build');

console.log(`smoke ok on Node ${process.versions.node}: ESM and CJS entries, assemble, replay, recordingFetch`);
