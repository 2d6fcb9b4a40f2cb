import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT } from './run-cli.js';

describe('chunkwise serve', () => {
  it('prints its URL, answers requests, logs them on stderr, and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, [`${ROOT}bin/chunkwise.js`, 'serve', 'recordings', '--port', '0', '--instant'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        stdout += d;
        const match = /at (http:\/\/127\.0\.0\.1:\d+)\n/.exec(stdout);
        if (match) resolve(match[1]!);
      });
      child.on('close', () => reject(new Error(`serve exited early: ${stderr}`)));
    });
    expect(stdout).toMatch(/^chunkwise serve: \d+ recordings from recordings at http:\/\/127\.0\.0\.1:\d+\n {2}OpenAI SDK: baseURL http:\/\/127\.0\.0\.1:\d+\/v1/);

    const response = await fetch(`${url}/api/generate`, { method: 'POST', headers: { 'x-chunkwise-recording': 'ollama-generate' }, body: '{}' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-ndjson');
    expect((await response.text()).trimEnd().split('\n').at(-1)).toContain('"done":true');

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toContain('POST /api/generate 200 ollama-generate (by header)');
  });
});
