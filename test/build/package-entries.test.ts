// The built package as users load it: `npm test` builds dist/ first, and these run plain Node
// on it through the package's own name (Node resolves a package's self-reference by "exports").
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '../..');
const BODY = 'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"hi"},"finish_reason":"stop"}]}\\n\\ndata: [DONE]\\n\\n';

function node(args: string[]): string {
  return execFileSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' }).trim();
}

describe('the built package', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

  it('emits ESM, CJS and type declarations for every entry of the exports map', () => {
    for (const [entry, conditions] of Object.entries(pkg.exports as Record<string, unknown>)) {
      if (typeof conditions === 'string') continue;
      const { import: esm, require: cjs } = conditions as Record<string, { types: string; default: string }>;
      for (const file of [esm!.types, esm!.default, cjs!.types, cjs!.default]) {
        expect(existsSync(join(ROOT, file)), `${entry}: ${file}`).toBe(true);
      }
    }
  });

  it('imports chunkwise from the ESM build in plain Node and assembles a body', () => {
    const out = node(['--input-type=module', '-e', `import { assemble } from 'chunkwise'; const c = await assemble('${BODY}'); console.log(c.choices[0].message.content);`]);
    expect(out).toBe('hi');
  });

  it('requires chunkwise from the CJS build and assembles a body', () => {
    const out = node(['-e', `const { assemble, ChunkwiseError } = require('chunkwise'); assemble('${BODY}').then((c) => console.log(c.choices[0].message.content, typeof ChunkwiseError));`]);
    expect(out).toBe('hi function');
  });

  it('loads the Node and testing entries in both module systems', () => {
    const esm = node(['--input-type=module', '-e', "import * as n from 'chunkwise/node'; import * as t from 'chunkwise/testing'; console.log(typeof n.createReplayServer, typeof n.readRecording, typeof t.recordingFetch);"]);
    expect(esm).toBe('function function function');
    const cjs = node(['-e', "const n = require('chunkwise/node'); const t = require('chunkwise/testing'); console.log(typeof n.createReplayServer, typeof t.recordingFetch);"]);
    expect(cjs).toBe('function function');
  });

  it('keeps Node built-ins out of the web-standard core and everything it imports', () => {
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const code = readFileSync(file, 'utf8');
      expect(code, file).not.toMatch(/from\s*["']node:|require\(["']node:|import\(["']node:/);
      for (const [, next] of code.matchAll(/from\s*["'](\.\/[^"']+)["']/g)) visit(join(dirname(file), next!));
    };
    visit(join(ROOT, pkg.exports['.'].import.default));
    expect(seen.size).toBeGreaterThan(1);
  });
});
