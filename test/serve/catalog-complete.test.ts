/**
 * The catalog's `complete` flag (which recordings `serve` prefers when a request names none, README
 * "Which recording answers a request"): a recording ends well exactly when its expected.json says
 * it resolves, for every bundled recording, chat completions, Ollama and Responses alike; and the
 * quirk streams whose failure sits where a text scan would miss it (an `error` object inside an
 * ordinary chunk followed by `[DONE]`) are not preferred.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadCatalog } from '../../src/node/serve/catalog.js';
import { MERGE_FIXTURES } from '../helpers/merge-fixtures.js';

const DIRS = [join(process.cwd(), 'recordings'), join(process.cwd(), 'recordings/responses')];

/** Each body with an expected.json beside it, and whether that expectation is a success. */
function expectations(dir: string): Map<string, boolean> {
  const out = new Map<string, boolean>();
  for (const file of readdirSync(dir)) {
    const match = /^(.*)\.(sse|ndjson)$/.exec(file);
    if (!match) continue;
    const expected = join(dir, `${match[1]}.expected.json`);
    if (!existsSync(expected)) continue;
    const value = JSON.parse(readFileSync(expected, 'utf8')) as Record<string, unknown>;
    out.set(match[1]!, !('partial' in value));
  }
  return out;
}

describe('catalog: complete means the recording resolves', () => {
  test.each(DIRS)('%s: complete equals "expected.json is a final object"', async (dir) => {
    const want = expectations(dir);
    expect(want.size).toBeGreaterThan(5);
    expect([...want.values()]).toContain(false);
    const catalog = await loadCatalog(dir, () => {});
    const got = new Map(catalog.filter((e) => want.has(e.name)).map((e) => [e.name, e.complete]));
    expect(Object.fromEntries(got)).toEqual(Object.fromEntries(want));
  });

  test('an error object inside an ordinary chunk, then [DONE] (OpenRouter), is not complete; the other merge-rule streams are', async () => {
    const catalog = await loadCatalog(MERGE_FIXTURES, () => {});
    const erring = 'openrouter-minimax-error-chunk-after-finish';
    const body = readFileSync(join(MERGE_FIXTURES, `${erring}.sse`), 'utf8');
    // Independent of chunkwise: the raw payloads say there is an error, and the body has [DONE].
    const payloads = body.split('\n').filter((l) => l.startsWith('data: {')).map((l) => JSON.parse(l.slice(6)));
    expect(payloads.some((p) => p.error && Array.isArray(p.choices) && p.choices.length > 0)).toBe(true);
    expect(body).toContain('data: [DONE]');
    expect(catalog.find((e) => e.name === erring)!.complete).toBe(false);
    expect(catalog.filter((e) => e.name !== erring).every((e) => e.complete)).toBe(true);
  });
});
