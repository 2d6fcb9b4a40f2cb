// `--baseline=REF`: chunkwise as it was at an earlier commit, built once into
// bench/.build/baseline/ and raced as one more contestant, so "no row slower than before" is
// read from one run (same bodies, same turns, same machine state) instead of two.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Builds `ref` in a throwaway worktree and points the baseline contestant at its dist/. */
export function prepareBaseline(root, benchDir, ref, log) {
  const git = (...args) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
  const commit = git('rev-parse', '--short', `${ref}^{commit}`);
  const to = join(benchDir, '.build', 'baseline', commit);
  if (!existsSync(join(to, 'index.js'))) {
    log(`building the baseline ${ref} (${commit})…`);
    const tree = join(mkdtempSync(join(tmpdir(), 'chunkwise-baseline-')), 'tree');
    git('worktree', 'add', '--detach', tree, commit);
    try {
      symlinkSync(join(root, 'node_modules'), join(tree, 'node_modules'));
      execFileSync(join(root, 'node_modules', '.bin', 'tsup'), [], { cwd: tree, stdio: 'ignore' });
      mkdirSync(to, { recursive: true });
      for (const file of readdirSync(join(tree, 'dist'))) if (/\.js(\.map)?$/.test(file)) cpSync(join(tree, 'dist', file), join(to, file));
    } finally {
      git('worktree', 'remove', '--force', tree);
    }
  }
  process.env.CHUNKWISE_BASELINE_DIST = to;
  process.env.CHUNKWISE_BASELINE_REF = commit.startsWith(ref) ? commit : `${ref} (${commit})`;
  process.env.CHUNKWISE_BASELINE_PROVIDERS = providersOf(root, commit).join(',');
  return commit;
}

/** The providers the baseline knows: the folders under src/providers/ at that commit. */
function providersOf(root, commit) {
  const listing = execFileSync('git', ['ls-tree', '--name-only', `${commit}:src/providers`], { cwd: root, encoding: 'utf8' });
  return listing.split('\n').filter((name) => name && !name.includes('.'));
}
