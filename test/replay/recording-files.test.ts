import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { folderModeFor, listRecordings, readRecording, sidecarPathOf, writeRecording } from '../../src/node/recording-files.js';
import type { Recording } from '../../src/replay/recording.js';

const encode = (text: string) => new TextEncoder().encode(text);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chunkwise-recordings-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const recording: Recording = {
  body: encode('data: {"choices":[{"delta":{"content":"é"}}]}\n\ndata: [DONE]\n\n'),
  pieces: [
    { offset: 0, length: 20, at: 0 },
    { offset: 20, length: 42, at: 250.25 },
  ],
  end: { at: 251, outcome: 'complete' },
  meta: { provider: 'openai', status: 200, contentType: 'text/event-stream', model: 'gpt-4o-mini', headers: { 'x-request-id': 'req_1' } },
};

describe('recording files', () => {
  it('writes the body and a BODY.json sidecar, and reads them back unchanged', async () => {
    const path = join(dir, 'openai-text.sse');
    await writeRecording(path, recording);
    expect(await readFile(path, 'utf8')).toBe(new TextDecoder().decode(recording.body));
    expect(JSON.parse(await readFile(sidecarPathOf(path), 'utf8'))).toMatchObject({ format: 'chunkwise-recording', version: 1 });
    expect(await readRecording(path)).toEqual(recording);
  });

  it('reads a recording through its sidecar path too', async () => {
    const path = join(dir, 'openai-text.sse');
    await writeRecording(path, recording);
    expect(await readRecording(`${path}.json`)).toEqual(recording);
  });

  it('creates missing folders when writing', async () => {
    const path = join(dir, 'deep', 'er', 'chat.ndjson');
    await writeRecording(path, { body: encode('{"done":true}\n') });
    expect(await readFile(path, 'utf8')).toBe('{"done":true}\n');
  });

  it('reads a raw body without sidecar, taking the content type from the extension', async () => {
    await writeFile(join(dir, 'chat.ndjson'), '{"done":true}\n');
    await writeFile(join(dir, 'chat.sse'), 'data: x\n\n');
    expect(await readRecording(join(dir, 'chat.ndjson'))).toEqual({ body: encode('{"done":true}\n'), meta: { contentType: 'application/x-ndjson' } });
    expect((await readRecording(join(dir, 'chat.sse'))).meta).toEqual({ contentType: 'text/event-stream' });
  });

  it('fills in the content type from the extension when the sidecar has none', async () => {
    const path = join(dir, 'chat.jsonl');
    await writeRecording(path, { body: encode('{"a":1}\n'), pieces: [{ offset: 0, length: 8, at: 0 }] });
    expect((await readRecording(path)).meta).toEqual({ contentType: 'application/x-ndjson' });
  });

  it('removes a stale sidecar when the recording has nothing to put in it', async () => {
    const path = join(dir, 'chat.sse');
    await writeRecording(path, recording);
    await writeRecording(path, { body: encode('data: x\n\n') });
    await expect(readFile(sidecarPathOf(path))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses to write pieces that do not tile the body, writing nothing', async () => {
    const path = join(dir, 'broken.sse');
    await expect(writeRecording(path, { ...recording, pieces: [{ offset: 0, length: 3, at: 0 }] })).rejects.toThrow(/Cannot write recording .*broken\.sse: the pieces cover 3 of 62/);
    await expect(readFile(path)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('fails with a UsageError naming a missing file', async () => {
    const path = join(dir, 'missing.sse');
    const error = await readRecording(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).toContain('no such file');
  });

  it('fails with a UsageError for an unknown extension, on read and on write', async () => {
    await expect(readRecording(join(dir, 'notes.txt'))).rejects.toThrow(/notes\.txt is not a recording body/);
    await expect(writeRecording(join(dir, 'notes.txt'), recording)).rejects.toBeInstanceOf(UsageError);
    await expect(writeRecording(join(dir, 'notes.txt'), recording)).rejects.toThrow(/expected one of \.sse, \.ndjson, \.jsonl, or no extension/);
  });

  it('fails with a UsageError naming a sidecar that is not JSON or not valid', async () => {
    const path = join(dir, 'bad.sse');
    await writeFile(path, 'data: x\n\n');
    await writeFile(`${path}.json`, '{ nope');
    await expect(readRecording(path)).rejects.toThrow(new RegExp(`sidecar ${`${path}.json`.replace(/[.\\/]/g, '\\$&')} is not valid JSON`));
    await writeFile(`${path}.json`, JSON.stringify({ format: 'chunkwise-recording', version: 1, pieces: [{ offset: 0, length: 1, at: 0 }] }));
    await expect(readRecording(path)).rejects.toThrow(/bad\.sse\.json is not a valid recording sidecar: the pieces cover 1 of 9 body bytes/);
  });

  it('fails with a UsageError when the body path is a folder', async () => {
    await mkdir(join(dir, 'folder.sse'));
    await expect(readRecording(join(dir, 'folder.sse'))).rejects.toThrow(/folder\.sse: it is a folder/);
  });

  it('lists bodies with their sidecar and expected files, sorted by name', async () => {
    await writeRecording(join(dir, 'openai-text.sse'), recording);
    await writeFile(join(dir, 'openai-text.expected.json'), '{}');
    await writeFile(join(dir, 'ollama-chat.ndjson'), '{"done":true}\n');
    await writeFile(join(dir, 'README.md'), '# recordings');
    await writeRecording(join(dir, 'nested', 'groq.sse'), recording);
    expect(await listRecordings(dir)).toEqual([
      { name: 'ollama-chat', bodyPath: join(dir, 'ollama-chat.ndjson') },
      {
        name: 'openai-text',
        bodyPath: join(dir, 'openai-text.sse'),
        sidecarPath: join(dir, 'openai-text.sse.json'),
        expectedPath: join(dir, 'openai-text.expected.json'),
      },
    ]);
    expect((await listRecordings(dir, { recursive: true })).map((entry) => entry.name)).toEqual(['nested/groq', 'ollama-chat', 'openai-text']);
  });

  it('fails with a UsageError naming a folder it cannot list', async () => {
    await expect(listRecordings(join(dir, 'nope'))).rejects.toThrow(/Cannot list recordings in .*nope: no such file/);
  });

  it('gives a path without an extension the one of the body format, and says where it wrote', async () => {
    expect(await writeRecording(join(dir, 'plain'), { body: encode('data: {"a":1}\n\ndata: [DONE]\n\n') })).toBe(join(dir, 'plain.sse'));
    expect(await writeRecording(join(dir, 'lines'), { body: encode('{"done":true}\n') })).toBe(join(dir, 'lines.ndjson'));
    // The content type wins over the first byte.
    expect(await writeRecording(join(dir, 'typed'), { body: encode('{"done":true}\n'), meta: { contentType: 'text/event-stream' } })).toBe(join(dir, 'typed.sse'));
    expect((await readRecording(join(dir, 'lines.ndjson'))).body).toEqual(encode('{"done":true}\n'));
    expect(await writeRecording(join(dir, 'kept.jsonl'), { body: encode('{"done":true}\n') })).toBe(join(dir, 'kept.jsonl'));
  });
});

describe('deep metadata', () => {
  it('writes and reads a sidecar whose request body is nested 20,000 levels (deeper than JSON.stringify goes)', async () => {
    let requestBody: unknown = { password: 'p', n: 1 };
    for (let i = 0; i < 20_000; i++) requestBody = { a: requestBody };
    const path = join(dir, 'deep.sse');
    await writeRecording(path, { ...recording, meta: { ...recording.meta, requestBody } });
    let read = (await readRecording(path)).meta?.requestBody as Record<string, any>;
    for (let i = 0; i < 20_000; i++) read = read.a;
    // Whole, and redacted at the bottom.
    expect(read).toEqual({ password: '[redacted]', n: 1 });
  });
});

describe('file modes of written recordings', () => {
  // The usual umask, under which plain writes come out world-readable (0644 / 0755).
  let umask: number;
  beforeAll(() => {
    umask = process.umask(0o022);
  });
  afterAll(() => {
    process.umask(umask);
  });
  const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

  it('writes the body and the sidecar 0600 and the folders it creates 0700', async () => {
    const path = join(dir, 'a', 'b', 'openai-text.sse');
    await writeRecording(path, recording);
    expect(await modeOf(path)).toBe(0o600);
    expect(await modeOf(sidecarPathOf(path))).toBe(0o600);
    expect(await modeOf(join(dir, 'a'))).toBe(0o700);
    expect(await modeOf(join(dir, 'a', 'b'))).toBe(0o700);
  });

  it('makes a file that was there readable by its owner only when it rewrites it', async () => {
    const path = join(dir, 'old.sse');
    await writeFile(path, 'data: [DONE]\n\n');
    await chmod(path, 0o644);
    await writeRecording(path, recording);
    expect(await modeOf(path)).toBe(0o600);
  });

  it('writes the mode asked for, folders searchable where readable', async () => {
    const path = join(dir, 'shared', 'openai-text.sse');
    await writeRecording(path, recording, { fileMode: 0o644 });
    expect(await modeOf(path)).toBe(0o644);
    expect(await modeOf(join(dir, 'shared'))).toBe(0o755);
    expect([folderModeFor(0o600), folderModeFor(0o640), folderModeFor(0o644)]).toEqual([0o700, 0o750, 0o755]);
  });
});
