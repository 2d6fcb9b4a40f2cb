import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { recordingFetch } from '../../src/testing-node.js';

const URL_ = 'http://localhost/v1/chat/completions';
const request = { method: 'POST', body: JSON.stringify({ model: 'm', stream: true }) };
const SSE = 'data: {"model":"m","choices":[{"delta":{"content":"x"}}]}\n\ndata: [DONE]\n\n';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chunkwise-bad-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The UsageError the first request of a replaying fetch on `dir` rejects with. */
async function failure(options: Parameters<typeof recordingFetch>[0] = { dir }): Promise<string> {
  const error = await recordingFetch(options)(URL_, request).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(UsageError);
  return (error as Error).message;
}

describe('recordingFetch on bad recordings', () => {
  it('names a recordings folder that does not exist', async () => {
    expect(await failure({ dir: join(dir, 'missing') })).toBe(`Cannot list recordings in ${join(dir, 'missing')}: no such file`);
  });

  it('names a sidecar whose body file is missing', async () => {
    await writeFile(join(dir, 'gone.sse.json'), JSON.stringify({ format: 'chunkwise-recording', version: 1 }));
    expect(await failure()).toBe(`Recording sidecar ${join(dir, 'gone.sse.json')} has no body: ${join(dir, 'gone.sse')} is missing`);
  });

  it('names a body it cannot read', async () => {
    await mkdir(join(dir, 'folder.sse'));
    expect(await failure()).toBe(`Cannot read recording ${join(dir, 'folder.sse')}: it is a folder`);
  });

  it('names a sidecar that is not JSON, or not a chunkwise sidecar', async () => {
    await writeFile(join(dir, 'a.sse'), SSE);
    await writeFile(join(dir, 'a.sse.json'), '{ not json');
    expect(await failure()).toMatch(new RegExp(`^Recording sidecar ${join(dir, 'a.sse.json')} is not valid JSON`));
    await writeFile(join(dir, 'a.sse.json'), JSON.stringify({ format: 'har', version: 1 }));
    expect(await failure()).toBe(`${join(dir, 'a.sse.json')} is not a valid recording sidecar: "format" must be "chunkwise-recording"`);
  });

  it('names a body whose content is not the format its name says', async () => {
    await writeFile(join(dir, 'html.sse'), '<!doctype html><title>502 Bad Gateway</title>');
    expect(await failure()).toBe(`${join(dir, 'html.sse')} is not an SSE recording: it starts with "<!doctype html><title>502 Bad Gateway</title>", not a data: / event: line`);
    await rm(join(dir, 'html.sse'));
    await writeFile(join(dir, 'lines.ndjson'), SSE);
    expect(await failure()).toBe(`${join(dir, 'lines.ndjson')} is not an NDJSON recording: it starts with ${JSON.stringify(SSE.split('\n')[0]!.slice(0, 60))}, not a JSON object`);
  });

  it('accepts an error page recorded with its own content type', async () => {
    await writeFile(join(dir, 'bad-gateway.ndjson'), '<html>502</html>');
    await writeFile(join(dir, 'bad-gateway.ndjson.json'), JSON.stringify({ format: 'chunkwise-recording', version: 1, meta: { status: 502, contentType: 'text/html' } }));
    const response = await recordingFetch({ dir, match: () => 'bad-gateway' })(URL_, request);
    expect([response.status, await response.text()]).toEqual([502, '<html>502</html>']);
  });

  it('keeps failing the same way on every request after a bad load', async () => {
    await mkdir(join(dir, 'folder.sse'));
    const fetch = recordingFetch({ dir });
    for (let i = 0; i < 2; i++) await expect(fetch(URL_, request)).rejects.toThrow(`Cannot read recording ${join(dir, 'folder.sse')}`);
  });

  it('finds recordings in subfolders, named by their path', async () => {
    await mkdir(join(dir, 'chat'));
    await writeFile(join(dir, 'chat', 'greets.sse'), SSE);
    const fetch = recordingFetch({ dir, timing: 'instant' });
    await (await fetch(URL_, request)).text();
    expect(fetch.calls[0]!.name).toBe('chat/greets');
  });
});
