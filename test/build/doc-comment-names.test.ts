// Doc comments name options and functions in backticks (`partialContent: true`, `assemble()`);
// the API reference (npm run docs) is generated from them. A name that no code in src/ declares
// or uses is a comment that outlived a rename (one said `partialJson` for `partialContent`).
// Checked: camelCase names in backticks that look like code (followed by `:`, `(`, `=`, `?`,
// a separator or the end of the span), against every identifier of src/ outside comments.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(__dirname, '../../src');

/** Names from outside src/ that doc comments rightly mention: test-runner hooks and browser APIs that no code here calls. */
const OUTSIDE_NAMES = new Set(['afterAll', 'lastEventId']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : name.endsWith('.ts') ? [path] : [];
  });
}

function scan(): { identifiers: Set<string>; comments: Array<{ file: string; text: string }> } {
  const identifiers = new Set<string>();
  const comments: Array<{ file: string; text: string }> = [];
  for (const path of sourceFiles(SRC)) {
    const file = relative(SRC, path);
    const code = readFileSync(path, 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, (comment) => {
        comments.push({ file, text: comment });
        return ' ';
      })
      .replace(/\/\/.*$/gm, '');
    for (const m of code.matchAll(/[A-Za-z_$][\w$]*/g)) identifiers.add(m[0]);
  }
  return { identifiers, comments };
}

/** camelCase names used as code inside the backtick spans of a comment (not inside a template's `${…}`, not after `.`, a quote or `\`). */
function codeNames(comment: string): string[] {
  const names: string[] = [];
  for (const span of comment.matchAll(/`([^`\n]+)`/g)) {
    const text = span[1]!.replace(/\$\{[^}]*\}/g, ' ');
    for (const m of text.matchAll(/(?<![\w.'"\\-])([a-z][a-z0-9]*[A-Z][A-Za-z0-9]*)(?=\s*[:(=?,})\]]|\s*$)/g)) names.push(m[1]!);
  }
  return names;
}

describe('doc comments name only what the code has', () => {
  const { identifiers, comments } = scan();

  it('finds the doc comments of src/ (the scan reads them)', () => {
    expect(comments.filter((c) => c.text.startsWith('/**')).length).toBeGreaterThan(100);
    expect(comments.some((c) => codeNames(c.text).includes('partialContent'))).toBe(true);
  });

  it('every camelCase option or function name in backticks exists in the code', () => {
    const stale: string[] = [];
    for (const { file, text } of comments) {
      for (const name of codeNames(text)) {
        if (identifiers.has(name) || OUTSIDE_NAMES.has(name) || name in globalThis) continue;
        stale.push(`${file}: \`${name}\``);
      }
    }
    expect([...new Set(stale)]).toEqual([]);
  });

  it('would catch a renamed option (the check is not vacuous)', () => {
    expect(codeNames('/** Opt in with `partialJson: true`. */')).toEqual(['partialJson']);
    expect(identifiers.has('partialJson')).toBe(false);
  });
});
