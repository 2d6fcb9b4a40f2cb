// chunkwise and chunkwise/testing bundle for the browser: a real esbuild build (the bundler tsup
// uses) of the built package for `platform: 'browser'` resolves the browser conditions, and no
// Node built-in may remain in the output. `npm test` builds dist/ first.
import { build } from 'esbuild';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '../..');

const ENTRY = `
import { assemble } from 'chunkwise';
import { recordingFetch } from 'chunkwise/testing';
const body = new TextEncoder().encode('data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"role":"assistant","content":"hi"},"finish_reason":"stop"}]}\\n\\ndata: [DONE]\\n\\n');
export async function run() {
  const fetch = recordingFetch({ recordings: [{ name: 'hi', recording: { body, meta: { contentType: 'text/event-stream' } } }], timing: 'instant' });
  const response = await fetch('https://api.openai.com/v1/chat/completions', { method: 'POST', body: JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages: [] }) });
  const completion = await assemble(response, { provider: 'openai' });
  const dir = await recordingFetch({ dir: 'recordings' })('https://api.openai.com/v1/chat/completions', { method: 'POST', body: '{}' }).catch((e) => e.message);
  return { content: completion.choices[0].message.content, dir };
}
`;

async function bundle(): Promise<string> {
  const result = await build({
    stdin: { contents: ENTRY, resolveDir: ROOT, sourcefile: 'app.js', loader: 'js' },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

describe('a browser bundle of chunkwise and chunkwise/testing', () => {
  it('builds for platform browser with no Node built-in left in it', async () => {
    const code = await bundle();
    expect(code.length).toBeGreaterThan(1000);
    expect(code).not.toMatch(/\bfrom\s*["'](node:)?(fs|path|url|os|child_process|http|fs\/promises)["']/);
    expect(code).not.toMatch(/["']node:[a-z_/]+["']/);
    expect(code).not.toMatch(/require\(["'](node:)?(fs|path|url|os)["']\)/);
    expect(code).not.toContain('createReadStream');
  });

  it('runs: replays an in-memory recording through recordingFetch, and says dir needs the Node build', async () => {
    const code = await bundle();
    const { run } = (await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`)) as { run(): Promise<{ content: string; dir: string }> };
    const out = await run();
    expect(out.content).toBe('hi');
    expect(out.dir).toMatch(/dir option \(recordings\) needs Node's file system.*browser build/);
  });
});
