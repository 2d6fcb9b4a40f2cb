import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/index.js';
import { readRecording } from '../../src/node.js';
import { createInspection, displayTokens, timingStats } from '../../src/inspect-page/model.js';
import { seededRandom } from '../helpers/seeded-random.js';

const RECORDINGS = join(import.meta.dirname, '../../recordings');
const FIXTURE = join(import.meta.dirname, 'fixtures/logprobs-tool-call.sse');
const bodies = readdirSync(RECORDINGS).filter((f) => /\.(sse|ndjson)$/.test(f));

/** assemble()'s answer for a body: the object, or the error with its partial. */
async function oracle(body: Uint8Array): Promise<{ final?: unknown; error?: { code: string; partial: unknown } }> {
  try {
    return { final: await assemble(body) };
  } catch (error) {
    const e = error as { code: string; partial: unknown };
    return { error: { code: e.code, partial: e.partial } };
  }
}

function inspectInPieces(body: Uint8Array, seed: number) {
  const random = seededRandom(seed);
  const inspection = createInspection('x');
  let at = 0;
  for (let offset = 0; offset < body.length; ) {
    const size = 1 + Math.floor(random() * 40);
    inspection.feed(body.subarray(offset, offset + size), (at += 5));
    offset += size;
  }
  inspection.finish();
  return inspection;
}

describe('the inspect page model (the public pipeline, message by message)', () => {
  it.each(bodies)('%s: the same final object or error as assemble(), in any cut', async (file) => {
    const body = new Uint8Array(readFileSync(join(RECORDINGS, file)));
    const expected = await oracle(body);
    for (const seed of [1, 2, 3]) {
      const inspection = inspectInPieces(body, seed);
      if (expected.error) {
        expect(inspection.error?.code).toBe(expected.error.code);
        expect(inspection.error?.partial).toEqual(expected.error.partial);
        expect(inspection.final).toBeUndefined();
      } else {
        expect(inspection.error).toBeUndefined();
        expect(inspection.final).toEqual(expected.final);
      }
      // The messages tile the body; every event belongs to one of them or to the end.
      let offset = 0;
      for (const m of inspection.messages) {
        expect(m.start).toBe(offset);
        offset = m.end;
      }
      expect(offset).toBe(body.length);
      expect(inspection.messages.reduce((n, m) => n + m.eventCount, 0)).toBeLessThanOrEqual(inspection.events.length);
    }
  });

  it('ties logprob tokens, the tool call and the timing of a recording with a sidecar together', async () => {
    const recording = await readRecording(FIXTURE);
    const inspection = createInspection('f', recording.meta);
    for (const p of recording.pieces!) inspection.feed(recording.body.subarray(p.offset, p.offset + p.length), p.at);
    inspection.finish(recording.end);
    const expected = (await assemble(recording.body)) as any;
    expect(inspection.final).toEqual(expected);
    const choice = inspection.choices[0]!;
    const { tokens, withLogprobs } = displayTokens(choice);
    expect(withLogprobs).toBe(true);
    expect(tokens.map((t) => t.text).join('')).toBe(expected.choices[0].message.content);
    expect(tokens.map((t) => t.logprob)).toEqual(expected.choices[0].logprobs.content.map((t: any) => t.logprob));
    const tool = choice.tools[0]!;
    expect(tool.name).toBe('get_weather');
    expect(tool.done?.parsed).toEqual(JSON.parse(expected.choices[0].message.tool_calls[0].function.arguments));
    // The partial values grow towards the parsed arguments.
    const partials = tool.steps.map((s) => s.partial).filter((p) => p !== undefined);
    expect(partials.length).toBeGreaterThan(3);
    expect(JSON.parse(partials.at(-1)!)).toEqual(tool.done?.parsed);
    expect(inspection.firstByteAt).toBe(412);
    expect(inspection.messages.filter((m) => m.kind === 'comment')).toHaveLength(1);
    expect(inspection.messages.at(-1)!.kind).toBe('done');
    const { stalls } = timingStats(inspection);
    expect(stalls).toHaveLength(1);
    expect(stalls[0]!.to - stalls[0]!.from).toBe(2400);
    expect(inspection.phases.map((p) => p.phase.phase)).toEqual(['waiting', 'writing', 'tool', 'done']);
    // Every event's message holds the bytes it came from: a content token's text is in them.
    const decoder = new TextDecoder();
    for (const token of tokens) {
      const m = inspection.messages[inspection.events[token.event]!.message]!;
      expect(decoder.decode(recording.body.subarray(m.start, m.end))).toContain(JSON.stringify(token.text).slice(1, -1));
    }
  });

  it('shows where a stream broke, with the partial result', () => {
    const body = new Uint8Array(readFileSync(join(RECORDINGS, 'openai-midstream-error.sse')));
    const inspection = inspectInPieces(body, 9);
    expect(inspection.error?.code).toBe('provider');
    expect(inspection.error!.offset).toBeGreaterThan(0);
    expect(inspection.error!.offset).toBeLessThan(body.length);
    expect(inspection.phases.at(-1)!.phase.phase).toBe('failed');
  });
});
