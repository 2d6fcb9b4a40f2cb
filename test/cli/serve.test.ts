import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RECORDINGS, ROOT } from './run-cli.js';

/** `chunkwise serve ARGS` in a child process, once it has printed its URL; `stop` sends SIGTERM and gives the exit code. */
async function startServe(args: string[]) {
  const child = spawn(process.execPath, [`${ROOT}bin/chunkwise.js`, 'serve', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = { stdout: '', stderr: '' };
  child.stderr.setEncoding('utf8').on('data', (d: string) => (output.stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      output.stdout += d;
      const match = /at (http:\/\/127\.0\.0\.1:\d+)\n/.exec(output.stdout);
      if (match) resolve(match[1]!);
    });
    child.on('close', () => reject(new Error(`serve exited early: ${output.stderr}`)));
  });
  return {
    url,
    output,
    stop: () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

describe('chunkwise serve', () => {
  it('prints its URL, answers requests, logs them on stderr, and exits 0 on SIGTERM', async () => {
    const serve = await startServe(['recordings', '--port', '0', '--instant']);
    const url = serve.url;
    expect(serve.output.stdout).toMatch(/^chunkwise serve: \d+ recordings from recordings at http:\/\/127\.0\.0\.1:\d+\n {2}OpenAI SDK: baseURL http:\/\/127\.0\.0\.1:\d+\/v1/);

    const response = await fetch(`${url}/api/generate`, { method: 'POST', headers: { 'x-chunkwise-recording': 'ollama-generate' }, body: '{}' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-ndjson');
    expect((await response.text()).trimEnd().split('\n').at(-1)).toContain('"done":true');

    expect(await serve.stop()).toBe(0);
    expect(serve.output.stderr).toContain('POST /api/generate 200 ollama-generate (by header)');
  });

  it('--cors lets one more origin in; a bad file is one warning line on stderr, with its name escaped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chunkwise-serve-cli-'));
    copyFileSync(join(RECORDINGS, 'ollama-generate.ndjson'), join(dir, 'ollama-generate.ndjson'));
    writeFileSync(join(dir, 'bad\x1b[2J.ndjson'), '{"done":true}\n');
    writeFileSync(join(dir, 'bad\x1b[2J.ndjson.json'), '{ not json');
    const serve = await startServe([dir, '--port', '0', '--instant', '--cors', 'https://app.example']);
    const url = serve.url;
    try {
      const allowed = await fetch(`${url}/recordings`, { headers: { origin: 'https://app.example' } });
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example');
      expect((await allowed.json()).recordings.map((r: { name: string }) => r.name)).toEqual(['ollama-generate']);
      const refused = await fetch(`${url}/recordings`, { headers: { origin: 'https://other.example' } });
      expect(refused.status).toBe(403);
    } finally {
      expect(await serve.stop()).toBe(0);
      rmSync(dir, { recursive: true, force: true });
    }
    const stderr = serve.output.stderr;
    const warnings = stderr.split('\n').filter((line) => line.includes('skipped'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^chunkwise serve: skipped "bad\\x1b\[2J\.ndjson": /);
    expect(stderr).not.toContain('\x1b');
  });
});
