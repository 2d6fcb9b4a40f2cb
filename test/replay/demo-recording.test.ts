// The demo recording (`npm start`) is a real Ollama capture whose timing sidecar comes from the
// server's own per-line `created_at` stamps (scripts/make-demo-recording.mjs).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRecording } from '../../src/node/recording-files.js';
import { assemble } from '../../src/operators/assemble.js';

const ROOT = join(__dirname, '../..');

describe('recordings/demo.ndjson', () => {
  it('is the real capture byte for byte, one timed piece per line spaced as the server stamped them', async () => {
    const source = readFileSync(join(ROOT, 'test/fixtures/reference-streams/ollama-generate-dolphin3-context.ndjson'));
    const recording = await readRecording(join(ROOT, 'recordings/demo.ndjson'));
    expect(Buffer.from(recording.body).equals(source)).toBe(true);
    const lines = source.toString('utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
    const pieces = recording.pieces!;
    expect(pieces).toHaveLength(lines.length);
    // Date.parse keeps milliseconds; the stamps have 100 ns digits, so compare to 1 ms.
    const stamps = lines.map((line) => Date.parse(line.created_at));
    for (let i = 1; i < lines.length; i++) {
      expect(Math.abs(pieces[i]!.at - pieces[0]!.at - (stamps[i]! - stamps[0]!))).toBeLessThan(1.1);
    }
    expect(pieces[0]!.at).toBeCloseTo(lines.at(-1).prompt_eval_duration / 1e6, 0);
    expect(recording.end).toMatchObject({ outcome: 'complete' });
  });

  it('assembles to its expected file', async () => {
    const recording = await readRecording(join(ROOT, 'recordings/demo.ndjson'));
    expect(await assemble(recording.body)).toEqual(JSON.parse(readFileSync(join(ROOT, 'recordings/demo.expected.json'), 'utf8')));
  });
});
