import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/node/cli/io.js';
import { main } from '../../src/node/cli/main.js';
import { startTestServer } from '../helpers/http-server.js';
import { runCli } from './run-cli.js';

// What a hostile stream sends to take over a terminal: retitle the window (OSC), clear the
// screen (CSI), ring the bell, return the cursor to overwrite the line, and an 8-bit CSI (C1).
const HOSTILE = 'hi \x1b]0;pwned\x07 \x1b[2J\rthere \x9b31m';
const VISIBLE = 'hi \\x1b]0;pwned\\x07 \\x1b[2J\\x0dthere \\x9b31m';
// Messages are one line: there the carriage return is a line break, flattened to a space.
const VISIBLE_ONE_LINE = VISIBLE.replace('\\x0d', ' ');
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

const chunk = (delta: object, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm\x1b[31m', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

let dir: string;
let hostile: string;
let failing: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'chunkwise-escapes-'));
  hostile = join(dir, 'hostile.sse');
  writeFileSync(
    hostile,
    chunk({ role: 'assistant', content: `${HOSTILE}\n\tindented` }) +
      chunk({ tool_calls: [{ index: 0, id: 't1', type: 'function', function: { name: 'f\x1b[8m', arguments: '{"x":"\\u001b[5m"}' } }] }, 'tool_calls') +
      'data: [DONE]\n\n',
  );
  failing = join(dir, 'failing.ndjson');
  writeFileSync(failing, `${JSON.stringify({ model: 'm', created_at: '2025-01-01T00:00:00Z', message: { role: 'assistant', content: 'a' }, done: false })}\n${JSON.stringify({ error: `boom ${HOSTILE}` })}\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI in this process with stdout and stderr that say whether they are terminals. */
async function runInProcess(args: string[], tty: boolean): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = { stdout: '', stderr: '' };
  const stream = (name: 'stdout' | 'stderr') => {
    const s = new PassThrough() as PassThrough & { isTTY?: boolean; columns?: number };
    s.isTTY = tty;
    s.columns = 200;
    s.setEncoding('utf8').on('data', (d: string) => (out[name] += d));
    return s;
  };
  const io: CliIo = { stdout: stream('stdout'), stderr: stream('stderr'), stdin: Readable.from([]), env: { NO_COLOR: '1' } };
  const code = await main(args, io);
  return { code, ...out };
}

describe('what the CLI writes for a person shows control characters', () => {
  it('replay to a terminal: the model text, tool names and summary values show them as \\xNN; newline and tab stay', async () => {
    const { code, stdout, stderr } = await runInProcess(['replay', hostile, '--instant'], true);
    expect(code).toBe(0);
    expect(stdout).toContain(VISIBLE);
    expect(stdout).toContain('\n\tindented');
    expect(stdout).toContain('f\\x1b[8m(');
    expect(stdout).toContain('m\\x1b[31m');
    expect(stdout + stderr).not.toMatch(RAW_CONTROL);
  });

  it('replay --raw, or to a pipe, keeps the text as it came', async () => {
    for (const [args, tty] of [[['replay', hostile, '--instant', '--raw'], true], [['replay', hostile, '--instant'], false]] as const) {
      const { stdout } = await runInProcess([...args], tty);
      expect(stdout).toContain(HOSTILE);
    }
  });

  it('a stream error from the body is shown escaped on stderr (replay, assemble)', async () => {
    const replayed = await runInProcess(['replay', failing, '--instant'], true);
    expect(replayed.code).toBe(1);
    expect(replayed.stderr).toContain(`boom ${VISIBLE_ONE_LINE}`);
    const assembled = await runCli(['assemble', failing]);
    expect(assembled.code).toBe(1);
    expect(assembled.stderr).toContain(`boom ${VISIBLE_ONE_LINE}`);
    expect(replayed.stderr + assembled.stderr).not.toMatch(RAW_CONTROL);
  });

  it('record to a terminal: the live text and the provider error from the body are shown escaped', async () => {
    const server = await startTestServer();
    try {
      const request = join(dir, 'request.json');
      writeFileSync(request, '{"model":"m","messages":[]}');
      const serving = (async () => {
        const exchange = await server.nextExchange();
        exchange.request.resume();
        await exchange.end(chunk({ role: 'assistant', content: HOSTILE }) + `data: ${JSON.stringify({ error: { message: `denied ${HOSTILE}` } })}\n\n`);
      })();
      const { code, stdout, stderr } = await runInProcess(['record', '--url', `${server.url}v1/chat/completions`, '--body', request, '--out', join(dir, 'recorded')], true);
      await serving;
      expect(code).toBe(1);
      expect(stdout).toContain(VISIBLE);
      expect(stderr).toContain(`denied ${VISIBLE_ONE_LINE}`);
      expect(stdout + stderr).not.toMatch(RAW_CONTROL);
    } finally {
      await server.close();
    }
  });

  it('a usage error naming a hostile file name is shown escaped', async () => {
    const result = await runCli(['replay', join(dir, 'no\x1b]0;x\x07such.sse')]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('no\\x1b]0;x\\x07such');
    expect(result.stderr).not.toMatch(RAW_CONTROL);
  });

  it('assemble writes DEL and C1 controls as \\u00NN: the same JSON, safe on a terminal', async () => {
    const body = join(dir, 'c1.sse');
    writeFileSync(body, chunk({ role: 'assistant', content: 'x\x7f\x9b2Jy' }, 'stop') + 'data: [DONE]\n\n');
    const result = await runCli(['assemble', body]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('x\\u007f\\u009b2Jy');
    expect(result.stdout).not.toMatch(/[\x7f-\x9f]/);
    expect(JSON.parse(result.stdout).choices[0].message.content).toBe('x\x7f\x9b2Jy');
  });
});
