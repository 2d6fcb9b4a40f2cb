// The README's table of events ("### Events") against the events chunkwise really emits: every
// bundled recording (recordings/ and recordings/responses/, each with its provenance in the
// folder's README) is streamed through `streamEvents`, and each field path the table names must
// exist on some emitted event of that type. An event type in the table that nothing emits, or
// an emitted type missing from the table, fails too.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replayResponse, streamEvents } from '../../src/index.js';
import { readRecording } from '../../src/node.js';
import { chunk, choice, finishChunk } from '../helpers/openai-chunks.js';
import { eventsTable, readmeText } from './readme-markdown.js';

const ROOT = join(__dirname, '../..');
const RECORDING_DIRS = ['recordings', 'recordings/responses'];

type Event = Record<string, unknown> & { type: string };

async function eventsOf(source: Parameters<typeof streamEvents>[0], partialContent: boolean): Promise<Event[]> {
  const events: Event[] = [];
  await new Promise<void>((resolve) => {
    // Failing recordings (a mid-stream error, a truncation) still emit what came before the failure.
    streamEvents(source, { partialContent, lenient: true }).subscribe({ next: (e) => events.push(e as unknown as Event), error: () => resolve(), complete: resolve });
  });
  return events;
}

/** Every event of every bundled recording, plus one stream whose tool-call arguments are not JSON (no recording has that, and the table names its `error`). */
async function allEvents(): Promise<Event[]> {
  const out: Event[] = [];
  for (const dir of RECORDING_DIRS) {
    for (const file of readdirSync(join(ROOT, dir)).filter((f) => /\.(sse|ndjson)$/.test(f)).sort()) {
      const recording = await readRecording(join(ROOT, dir, file));
      for (const partialContent of [false, true]) out.push(...(await eventsOf(replayResponse(recording, { timing: 'instant' }), partialContent)));
    }
  }
  const badArguments = [
    chunk([choice({ role: 'assistant', tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a":' } }] })]),
    chunk([choice({ tool_calls: [{ index: 0, function: { arguments: '}' } }] })]),
    finishChunk('tool_calls'),
  ];
  const body = badArguments.map((c) => `data: ${JSON.stringify(c)}\n\n`).join('') + 'data: [DONE]\n\n';
  out.push(...(await eventsOf(body, false)));
  return out;
}

/** Whether `path` (`a.b`) leads somewhere on `value`: each step an own or inherited key (getters such as `partial` count). */
function hasPath(value: unknown, path: string): boolean {
  let at: unknown = value;
  for (const key of path.split('.')) {
    if (at === null || typeof at !== 'object' || !(key in at)) return false;
    at = (at as Record<string, unknown>)[key];
  }
  return true;
}

describe('the README events table', async () => {
  const rows = eventsTable(readmeText());
  const events = await allEvents();

  it('has a row for every event type chunkwise emits, and no row for one it does not', () => {
    expect(rows.length).toBeGreaterThan(10);
    expect(new Set(rows.map((r) => r.type))).toEqual(new Set(events.map((e) => e.type)));
  });

  it('every event carries type, choice and snapshot()', () => {
    for (const e of events) {
      expect(typeof e.choice, e.type).toBe('number');
      expect(typeof e.snapshot, e.type).toBe('function');
    }
  });

  it.each(rows.map((r) => [r.type, r.fields] as const))('%s: each field path in the table exists on an emitted event', (type, fields) => {
    const ofType = events.filter((e) => e.type === type);
    const missing = fields.filter((path) => !ofType.some((e) => hasPath(e, path)));
    expect(missing, `fields of ${type} in the README that no emitted event has`).toEqual([]);
  });

  it('names every own field of every emitted event (nothing emitted is left out of the table)', () => {
    const listed = new Map(rows.map((r) => [r.type, new Set(r.fields.map((f) => f.split('.')[0]))]));
    const unlisted = new Set<string>();
    for (const e of events) {
      for (const key of Object.keys(e)) {
        if (key === 'type' || key === 'choice' || key === 'snapshot') continue;
        if (!listed.get(e.type)?.has(key)) unlisted.add(`${e.type}: ${key}`);
      }
    }
    expect([...unlisted]).toEqual([]);
  });

});
