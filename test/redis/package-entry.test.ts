import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../cli/run-cli.js';

const node = (args: string[]) => execFileSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' }).trim();

// Runs on the build (`npm test` builds first); no redis-server needed.
describe('the chunkwise/redis entry', () => {
  it('loads in both module systems, and its errors are the core classes (instanceof works across entries)', () => {
    const check = "console.log(typeof r.publish, typeof r.subscribe, typeof r.toSseResponse, new r.PublisherGoneError('k', undefined, 'x') instanceof c.TruncatedStreamError, new r.HistoryGoneError('k', 'expired', 'm') instanceof c.ChunkwiseError)";
    expect(node(['--input-type=module', '-e', `import * as c from 'chunkwise'; import * as r from 'chunkwise/redis'; ${check}`])).toBe('function function function true true');
    expect(node(['-e', `const c = require('chunkwise'); const r = require('chunkwise/redis'); ${check}`])).toBe('function function function true true');
  });

  it('imports neither client library (both are optional peers), and the core entry has nothing of it', () => {
    for (const file of ['dist/redis.js', 'dist/redis.cjs']) {
      const code = readFileSync(join(ROOT, file), 'utf8');
      expect(code, file).not.toMatch(/(from\s*|require\(|import\()["'](redis|ioredis)["']/);
    }
    expect(readFileSync(join(ROOT, 'dist/index.js'), 'utf8')).not.toMatch(/XREAD|PublisherGoneError/);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.peerDependenciesMeta).toEqual({ redis: { optional: true }, ioredis: { optional: true } });
    expect(pkg.dependencies.redis ?? pkg.dependencies.ioredis).toBeUndefined();
  });
});
