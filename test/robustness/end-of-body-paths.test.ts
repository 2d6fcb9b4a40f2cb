// One end-of-body policy (src/assembly/end-of-body.ts) behind every public path: each recording
// in recordings/, cut at every message boundary and inside every message (just after its start,
// in its middle, just before its end, inside a UTF-8 character), goes through each public path
// to a final object; all must give the same result, or the same error type and message with the
// same partial object, strict and lenient.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  assemble,
  decodeNdjson,
  decodeSse,
  fromSource,
  ollamaSnapshots,
  openAiSnapshots,
  replayResponse,
  streamEvents,
  streamFinal,
  streamResponse,
} from '../../src/index.js';
import { main } from '../../src/node/cli/main.js';
import { messageEnds } from '../../src/replay/message-boundaries.js';
import { transportFromExtension } from '../../src/transports/transport-table.js';

const RECORDINGS = join(__dirname, '../../recordings');
const FILES = readdirSync(RECORDINGS).filter((f) => transportFromExtension(f) !== undefined);

type Outcome = { value: unknown } | { error: string; message: string; partial: unknown };

async function outcome(run: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { value: await run() };
  } catch (error) {
    const e = error as { name: string; message: string; partial?: unknown };
    return { error: e.name, message: e.message, partial: e.partial };
  }
}

/** The cut points of a body: every message end, and inside each message. */
function cutsOf(body: Uint8Array, transport: 'sse' | 'ndjson'): number[] {
  // Not 0: an empty body has no format to tell (the registry test covers it).
  const cuts = new Set<number>();
  let start = 0;
  for (const end of messageEnds(body, transport)) {
    for (const at of [start + 1, start + 6, (start + end) >> 1, end - 2, end - 1, end]) if (at > start && at <= end) cuts.add(at);
    start = end;
  }
  // Inside a multi-byte character (a continuation byte follows the cut).
  let inside = 0;
  for (let i = 1; i < body.length && inside < 3; i++) if ((body[i]! & 0xc0) === 0x80 && (body[i - 1]! & 0xc0) !== 0x80) (cuts.add(i), inside++);
  return [...cuts].sort((a, b) => a - b);
}

/** Every public path to the final object of `body`. */
function paths(transport: 'sse' | 'ndjson', lenient: boolean): Record<string, (body: Uint8Array) => Promise<unknown>> {
  const halves = (body: Uint8Array) => [body.subarray(0, body.length >> 1), body.subarray(body.length >> 1)];
  return {
    'assemble()': (body) => assemble(body, { lenient }),
    'assemble() in two pieces': (body) => assemble(halves(body), { lenient }),
    'streamFinal()': async (body) => (await lastValueFrom(streamFinal(body, { lenient }))).response,
    'streamEvents() done': async (body) => {
      const events = await lastValueFrom(streamEvents(halves(body), { lenient }).pipe(toArray()));
      const done = events.at(-1)!;
      expect(done.type).toBe('done');
      return (done as { response: unknown }).response;
    },
    'streamResponse().final': (body) => streamResponse(body, { lenient }).final,
    'replayResponse() + assemble()': (body) => assemble(replayResponse({ body }, { timing: 'instant' }), { lenient }),
    [transport === 'sse' ? 'decodeSse() + openAiSnapshots()' : 'decodeNdjson() + ollamaSnapshots()']: async (body) => {
      const bytes = fromSource(halves(body));
      const all: unknown[] =
        transport === 'sse'
          ? await lastValueFrom(bytes.pipe(decodeSse(), openAiSnapshots({ lenient }), toArray()))
          : await lastValueFrom(bytes.pipe(decodeNdjson(), ollamaSnapshots({ lenient }), toArray()));
      // With nothing assembled there is no object: the policy makes that an error on every path.
      return all.at(-1);
    },
  };
}

describe('every cut of every recording ends the same on every public path', () => {
  it('covers the recordings', () => {
    expect(FILES.length).toBeGreaterThanOrEqual(20);
  });

  for (const file of FILES) {
    it(file, async () => {
      const transport = transportFromExtension(file)!;
      const body = new Uint8Array(readFileSync(join(RECORDINGS, file)));
      for (const lenient of [false, true]) {
        const all = paths(transport, lenient);
        for (const cut of cutsOf(body, transport)) {
          const prefix = body.slice(0, cut);
          const results: Record<string, Outcome> = {};
          for (const [name, run] of Object.entries(all)) results[name] = await outcome(() => run(prefix));
          const reference = results['assemble()']!;
          for (const [name, result] of Object.entries(results)) {
            expect(result, `${file} cut at ${cut}${lenient ? ' (lenient)' : ''}: ${name} vs assemble()`).toEqual(reference);
          }
        }
      }
    });
  }
});

describe('the CLI ends the same', () => {
  /** `chunkwise assemble --partial -` in-process, the body on stdin. */
  async function cli(body: Uint8Array, lenient: boolean): Promise<{ code: number; stdout: string; stderr: string }> {
    const stdin = new PassThrough();
    let stdout = '';
    let stderr = '';
    const sink = (write: (s: string) => void) => new Writable({ write: (chunk, _e, done) => (write(String(chunk)), done()) });
    stdin.end(Buffer.from(body));
    const code = await main(['assemble', '--partial', ...(lenient ? ['--lenient'] : []), '-'], {
      stdin,
      stdout: sink((s) => (stdout += s)),
      stderr: sink((s) => (stderr += s)),
      env: { NO_COLOR: '1' },
    });
    return { code, stdout, stderr };
  }

  it('as assemble(), at the message boundaries of an SSE and an NDJSON recording', async () => {
    for (const file of ['openai-tool-call.sse', 'ollama-chat-tool-calls.ndjson'].filter((f) => FILES.includes(f)).concat(FILES.slice(0, 1))) {
      const body = new Uint8Array(readFileSync(join(RECORDINGS, file)));
      const ends = messageEnds(body, transportFromExtension(file)!);
      for (const cut of [...ends.slice(0, 3), ends[ends.length - 1]! - 1, body.length]) {
        for (const lenient of [false, true]) {
          const expected = await outcome(() => assemble(body.slice(0, cut), { lenient }));
          const run = await cli(body.slice(0, cut), lenient);
          if ('value' in expected) {
            expect(run.code, `${file} @${cut}`).toBe(0);
            expect(JSON.parse(run.stdout)).toEqual(JSON.parse(JSON.stringify(expected.value)));
          } else {
            expect(run.code, `${file} @${cut}`).toBe(1);
            expect(run.stderr).toContain(expected.message.split('\n')[0]!.slice(0, 60));
            expect(JSON.parse(run.stdout)).toEqual(JSON.parse(JSON.stringify(expected.partial ?? null)));
          }
        }
      }
    }
  });
});
