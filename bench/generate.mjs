// Writes the generated benchmark bodies to bench/data/ (git-ignored): six families at about
// 2k, 20k and 200k tokens. Seeded, so every run and every machine gets the same bytes; a body
// is only rewritten when its generator version or seed changed.
//
//   node bench/generate.mjs            # all bodies
//   node bench/generate.mjs --sizes=2k # some sizes
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ollamaChat } from './lib/ollama-bodies.mjs';
import { openAiText, openAiToolCalls } from './lib/openai-bodies.mjs';
import { responsesText, responsesToolCalls } from './lib/responses-bodies.mjs';
import { createRandom } from './lib/prng.mjs';

export const DATA_DIR = join(dirname(fileURLToPath(import.meta.url)), 'data');
const GENERATOR_VERSION = 3;

export const SIZES = { '2k': 2_000, '20k': 20_000, '200k': 200_000 };

export const FAMILIES = {
  'openai-logprobs': { transport: 'sse', provider: 'openai', write: (tokens, r, w) => openAiText({ tokens, withLogprobs: true }, r, w) },
  'openai-text': { transport: 'sse', provider: 'openai', write: (tokens, r, w) => openAiText({ tokens, withLogprobs: false }, r, w) },
  'openai-tools': { transport: 'sse', provider: 'openai', write: (tokens, r, w) => openAiToolCalls({ tokens }, r, w) },
  'ollama-chat': { transport: 'ndjson', provider: 'ollama', write: (tokens, r, w) => ollamaChat({ tokens }, r, w) },
  'responses-text': { transport: 'sse', provider: 'openai-responses', write: (tokens, r, w) => responsesText({ tokens }, r, w) },
  'responses-tools': { transport: 'sse', provider: 'openai-responses', write: (tokens, r, w) => responsesToolCalls({ tokens }, r, w) },
};

/** Buffers writes and flushes them in ~1 MB blocks (a 150 MB body never lives in one string). */
function fileWriter(path) {
  const fd = openSync(path, 'w');
  let parts = [];
  let size = 0;
  let bytes = 0;
  const flush = () => {
    const buffer = Buffer.from(parts.join(''), 'utf8');
    writeSync(fd, buffer);
    bytes += buffer.byteLength;
    parts = [];
    size = 0;
  };
  return {
    write(text) {
      parts.push(text);
      size += text.length;
      if (size > 1 << 20) flush();
    },
    close() {
      flush();
      closeSync(fd);
      return bytes;
    },
  };
}

/** Makes sure one body and its `.truth.json` exist; returns the body's description. */
export function ensureBody(family, size) {
  const spec = FAMILIES[family];
  const name = `${family}-${size}`;
  const file = join(DATA_DIR, `${name}.${spec.transport}`);
  const truthFile = join(DATA_DIR, `${name}.truth.json`);
  const seed = `chunkwise-bench/${name}`;
  if (existsSync(file) && existsSync(truthFile)) {
    const truth = JSON.parse(readFileSync(truthFile, 'utf8'));
    if (truth.version === GENERATOR_VERSION && truth.seed === seed) return describe(name, family, size, spec, file, truthFile, truth);
  }
  mkdirSync(DATA_DIR, { recursive: true });
  const writer = fileWriter(file);
  const result = spec.write(SIZES[size], createRandom(seed), (text) => writer.write(text));
  const bytes = writer.close();
  const truth = { version: GENERATOR_VERSION, seed, tokens: SIZES[size], bytes, ...result };
  writeFileSync(truthFile, JSON.stringify(truth));
  return describe(name, family, size, spec, file, truthFile, truth);
}

function describe(name, family, size, spec, file, truthFile, truth) {
  return { name, family, size, kind: 'generated', transport: spec.transport, provider: spec.provider, file, truthFile, bytes: truth.bytes, events: truth.events, tokens: truth.tokens };
}

/** All generated bodies, smallest first within each family. */
export function ensureBodies(sizes = Object.keys(SIZES)) {
  const bodies = [];
  for (const family of Object.keys(FAMILIES)) for (const size of sizes) bodies.push(ensureBody(family, size));
  return bodies;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = process.argv.find((a) => a.startsWith('--sizes='));
  const sizes = arg ? arg.slice(8).split(',') : undefined;
  for (const body of ensureBodies(sizes)) {
    console.log(`${body.name.padEnd(22)} ${(body.bytes / 1e6).toFixed(2).padStart(8)} MB ${String(body.events).padStart(8)} events`);
  }
}
