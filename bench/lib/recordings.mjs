// The recordings in recordings/ as benchmark bodies: every *.sse / *.ndjson whose
// `.expected.json` is a success (failure cases have an `error` key and are skipped).
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { referenceTruth } from './reference.mjs';

/** Content, tool-call arguments and logprob count of the expected final object. */
function truthFromExpected(expected, transport) {
  if (transport === 'sse') {
    const choice = expected.choices?.find((c) => c.index === 0) ?? expected.choices?.[0];
    return {
      content: choice?.message?.content ?? null,
      toolArgs: (choice?.message?.tool_calls ?? []).map((t) => t.function.arguments),
      logprobTokens: choice?.logprobs?.content?.length ?? 0,
    };
  }
  return {
    content: expected.message?.content ?? expected.response ?? null,
    toolArgs: (expected.message?.tool_calls ?? []).map((t) => JSON.stringify(t.function.arguments)),
  };
}

/**
 * Recordings as bodies; each gets a `.truth.json` under `dataDir` (the expected object's text,
 * the reference reader's event count) so the worker treats it like a generated body.
 */
export function recordingBodies(dir, dataDir) {
  if (!existsSync(dir)) return { bodies: [], skipped: [] };
  const bodies = [];
  const skipped = [];
  mkdirSync(join(dataDir, 'recordings'), { recursive: true });
  for (const file of readdirSync(dir).sort()) {
    const match = /^(.*)\.(sse|ndjson)$/.exec(file);
    if (!match) continue;
    const [, name, transport] = match;
    const expectedFile = join(dir, `${name}.expected.json`);
    let expected;
    try {
      expected = existsSync(expectedFile) ? JSON.parse(readFileSync(expectedFile, 'utf8')) : undefined;
    } catch (error) {
      skipped.push({ name, reason: `unreadable expected.json: ${error.message}` });
      continue;
    }
    if (expected && 'error' in expected) {
      skipped.push({ name, reason: 'error/truncated case' });
      continue;
    }
    const path = join(dir, file);
    const text = readFileSync(path, 'utf8');
    let truth;
    try {
      truth = referenceTruth(text, transport);
    } catch (error) {
      skipped.push({ name, reason: `reference reader failed: ${error.message}` });
      continue;
    }
    if (expected) Object.assign(truth, truthFromExpected(expected, transport));
    truth.bytes = Buffer.byteLength(text);
    const truthFile = join(dataDir, 'recordings', `${name}.truth.json`);
    writeFileSync(truthFile, JSON.stringify(truth));
    const provider = transport === 'ndjson' ? 'ollama' : name.startsWith('groq') ? 'groq' : 'openai';
    bodies.push({ name, family: 'recording', size: 'recording', kind: 'recording', transport, provider, file: path, truthFile, bytes: Buffer.byteLength(text), events: truth.events });
  }
  return { bodies, skipped };
}
