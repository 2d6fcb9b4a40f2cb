// No function in src/ is longer than about 80 lines unless a comment right above it says why it
// must be one piece (`// One piece: …`): long functions are split into named steps.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = join(__dirname, '../../src');
const MAX_LINES = 80;

function longFunctions(): Array<{ where: string; lines: number; explained: boolean }> {
  const found: Array<{ where: string; lines: number; explained: boolean }> = [];
  for (const file of (readdirSync(SRC, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts'))) {
    const text = readFileSync(join(SRC, file), 'utf8');
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node) => {
      if (ts.isFunctionLike(node) && 'body' in node && node.body) {
        const start = source.getLineAndCharacterOfPosition(node.getStart()).line;
        const lines = source.getLineAndCharacterOfPosition(node.end).line - start + 1;
        if (lines > MAX_LINES) {
          // An arrow or function expression bound to a name carries its comment on the declaration.
          const declaration = ts.isVariableDeclaration(node.parent) ? node.parent.parent.parent : node;
          const comments = [...(ts.getLeadingCommentRanges(text, node.getFullStart()) ?? []), ...(ts.getLeadingCommentRanges(text, declaration.getFullStart()) ?? [])];
          const explained = comments.some((c) => /One piece:/.test(text.slice(c.pos, c.end)));
          found.push({ where: `${file}:${start + 1}`, lines, explained });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

describe('function length in src/', () => {
  it(`every function over ${MAX_LINES} lines says why it is one piece`, () => {
    const found = longFunctions();
    expect(found.length).toBeGreaterThan(0); // the walker sees the decoders' closures
    expect(found.filter((f) => !f.explained).map((f) => `${f.where} (${f.lines} lines)`)).toEqual([]);
  });
});
