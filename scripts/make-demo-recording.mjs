// Builds recordings/demo.ndjson and its timing sidecar from a real Ollama capture
// (test/fixtures/reference-streams/ollama-generate-dolphin3-context.ndjson; provenance in
// recordings/README.md). Ollama stamps every line with `created_at` as it sends it, so the
// line-to-line timing is the server's own. The first line is placed at `prompt_eval_duration`
// after the request: the 8 s cold model load (`load_duration`) is left out so the demo starts
// promptly. Run: node scripts/make-demo-recording.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const SOURCE = new URL('../test/fixtures/reference-streams/ollama-generate-dolphin3-context.ndjson', import.meta.url);
const body = readFileSync(SOURCE);
const lines = body.toString('utf8').split('\n').filter((line) => line !== '');
const parsed = lines.map((line) => JSON.parse(line));
const last = parsed.at(-1);

// `2025-07-27T14:17:50.4329603Z` → ms since the epoch, keeping the sub-millisecond digits.
const ms = (stamp) => {
  const [, whole, fraction = ''] = /^(.*?:\d\d)(?:\.(\d+))?Z$/.exec(stamp);
  return Date.parse(`${whole}Z`) + Number(`0.${fraction || '0'}`) * 1000;
};
const first = ms(parsed[0].created_at);
const start = last.prompt_eval_duration / 1e6;
const round = (x) => Math.round(x * 10) / 10;

let offset = 0;
const pieces = lines.map((line, i) => {
  const length = Buffer.byteLength(line) + 1;
  const piece = { offset, length, at: round(start + ms(parsed[i].created_at) - first) };
  offset += length;
  return piece;
});
if (offset !== body.length) throw new Error(`pieces cover ${offset} of ${body.length} bytes`);

const sidecar = {
  format: 'chunkwise-recording',
  version: 1,
  meta: { provider: 'ollama', endpoint: '/api/generate', method: 'POST', status: 200, contentType: 'application/x-ndjson', model: last.model, recordedAt: parsed[0].created_at },
  pieces,
  end: { at: pieces.at(-1).at, outcome: 'complete' },
};
const dir = new URL('../recordings/', import.meta.url);
writeFileSync(new URL('demo.ndjson', dir), body);
writeFileSync(new URL('demo.ndjson.json', dir), `${JSON.stringify(sidecar, null, 2)}\n`);

// The non-streamed answer (/api/generate with stream: false): the final line's fields with the
// whole response text, the shape every other expected file here has.
const expected = { model: last.model, created_at: last.created_at, response: parsed.map((p) => p.response ?? '').join(''), done: true };
for (const [key, value] of Object.entries(last)) if (!(key in expected)) expected[key] = value;
writeFileSync(new URL('demo.expected.json', dir), `${JSON.stringify(expected, null, 2)}\n`);
console.log(`demo.ndjson: ${lines.length} lines over ${round(pieces.at(-1).at - pieces[0].at)} ms`);
