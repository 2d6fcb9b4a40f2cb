// The public surface, as users get it: the export names of every built entry (ESM and CJS, and
// the types of its .d.ts), compared with the checked-in list test/build/public-api.json, so that
// a change to the surface is always deliberate (and goes into the CHANGELOG).
// After a deliberate change, regenerate the list: `UPDATE_API=1 npx vitest run test/build/public-api.test.ts`
// (after `npx tsup`; `npm test` builds first).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '../..');
const LIST = join(__dirname, 'public-api.json');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
const require = createRequire(import.meta.url);

type Surface = Record<string, { values: string[]; types: string[] }>;

/** Every name a .d.ts exports (`export { a as X, type Y }`, with or without `from`). */
function declaredNames(file: string): string[] {
  const names = new Set<string>();
  for (const [, list] of readFileSync(file, 'utf8').matchAll(/^export\s*\{([^}]*)\}/gm)) {
    for (const item of list!.split(',')) {
      const name = item.trim().replace(/^type\s+/, '').split(/\s+as\s+/).pop()!.trim();
      if (name) names.add(name);
    }
  }
  for (const [, name] of readFileSync(file, 'utf8').matchAll(/^export\s+(?:declare\s+)?(?:const|function|class|interface|type)\s+([A-Za-z_$][\w$]*)/gm)) names.add(name!);
  return [...names].sort();
}

async function builtSurface(): Promise<Surface> {
  const surface: Surface = {};
  for (const [entry, conditions] of Object.entries(pkg.exports)) {
    if (typeof conditions === 'string') continue;
    const { import: esm, require: cjs } = conditions as Record<string, { types: string; default: string }>;
    const esmValues = Object.keys(await import(pathToFileURL(join(ROOT, esm!.default)).href)).sort();
    const cjsValues = Object.keys(require(join(ROOT, cjs!.default)) as object).filter((k) => k !== '__esModule').sort();
    expect(cjsValues, `${entry}: the CJS build exports what the ESM build does`).toEqual(esmValues);
    const esmTypes = declaredNames(join(ROOT, esm!.types));
    expect(declaredNames(join(ROOT, cjs!.types)), `${entry}: the .d.cts declares what the .d.ts does`).toEqual(esmTypes);
    for (const value of esmValues) expect(esmTypes, `${entry}: ${value} has a declaration`).toContain(value);
    surface[entry] = { values: esmValues, types: esmTypes.filter((name) => !esmValues.includes(name)) };
  }
  return surface;
}

describe('the public surface', () => {
  it('is the checked-in list (UPDATE_API=1 regenerates it)', async () => {
    const surface = await builtSurface();
    if (process.env.UPDATE_API) writeFileSync(LIST, `${JSON.stringify(surface, null, 2)}\n`);
    expect(surface).toEqual(JSON.parse(readFileSync(LIST, 'utf8')));
  });
});
