// One error identity across the two builds: a program that loads both `import 'chunkwise'` and
// `require('chunkwise')` (a CJS dependency of an ESM app) has two copies of every error class.
// `npm test` builds dist/ first; this runs plain Node on it.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '../..');

const SCRIPT = `
import { createRequire } from 'node:module';
import * as esm from 'chunkwise';
const cjs = createRequire(import.meta.url)('chunkwise');
const out = {};
for (const [from, to, fromName, toName] of [[cjs, esm, 'cjs', 'esm'], [esm, cjs, 'esm', 'cjs']]) {
  // A real failure from one build: a cut body.
  const failure = await from.assemble('data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"hi"}}]}\\n\\n').catch((e) => e);
  const usage = new from.UsageError('x');
  out[fromName + '->' + toName] = {
    differentClasses: from.ChunkwiseError !== to.ChunkwiseError,
    isChunkwiseError: to.isChunkwiseError(failure),
    instanceofBase: failure instanceof to.ChunkwiseError,
    instanceofOwn: failure instanceof to[failure.name],
    instanceofOther: failure instanceof to.UsageError,
    usageIsUsage: usage instanceof to.UsageError,
    usageIsHttp: usage instanceof to.HttpError,
    plainError: to.isChunkwiseError(new Error('x')) || new Error('x') instanceof to.ChunkwiseError,
    name: failure.name,
  };
}
console.log(JSON.stringify(out));
`;

describe('errors from the ESM and the CJS build', () => {
  it('are recognised by isChunkwiseError and instanceof of the other build', () => {
    const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', SCRIPT], { cwd: ROOT, encoding: 'utf8' }));
    for (const direction of ['cjs->esm', 'esm->cjs']) {
      expect(out[direction], direction).toEqual({
        differentClasses: true,
        isChunkwiseError: true,
        instanceofBase: true,
        instanceofOwn: true,
        instanceofOther: false,
        usageIsUsage: true,
        usageIsHttp: false,
        plainError: false,
        name: 'TruncatedStreamError',
      });
    }
  });
});

describe('the brand in one copy', () => {
  it('keeps subclasses of your own exact, and stays out of equality and JSON', async () => {
    const { ParseError, ChunkwiseError, HttpError, isChunkwiseError } = await import('../../src/errors.js');
    class MyError extends ParseError {}
    const mine = new MyError('mine');
    const plain = new ParseError('plain');
    expect(mine instanceof MyError && mine instanceof ParseError && mine instanceof ChunkwiseError).toBe(true);
    expect(plain instanceof MyError).toBe(false);
    expect(plain instanceof HttpError).toBe(false);
    expect(isChunkwiseError({ name: 'ParseError', code: 'parse', message: 'look-alike' })).toBe(false);
    const brand = Symbol.for('chunkwise.error');
    expect(Object.getOwnPropertyDescriptor(plain, brand)).toMatchObject({ value: ['ParseError', 'ChunkwiseError'], enumerable: false });
    expect(mine).toEqual(new MyError('mine'));
    expect(JSON.stringify(plain)).not.toContain('ChunkwiseError');
  });
});
