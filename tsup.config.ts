import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { build } from 'esbuild';
import { defineConfig } from 'tsup';

/**
 * The inspect page: src/inspect-page bundled with the library's browser build into one
 * self-contained HTML file (script and styles inline, so it works offline and from file://).
 */
async function buildInspectPage(): Promise<void> {
  const result = await build({
    entryPoints: ['src/inspect-page/main.ts', 'src/inspect-page/inspect.css'],
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    write: false,
    outdir: 'dist/inspect',
    legalComments: 'none',
  });
  const js = result.outputFiles.find((f) => f.path.endsWith('.js'))!.text;
  const css = result.outputFiles.find((f) => f.path.endsWith('.css'))?.text ?? '';
  const template = await readFile('src/inspect-page/index.html', 'utf8');
  // `</script` inside the bundle would end the inline script early.
  const html = template
    .replace('<!--STYLE-->', () => `<style>${css}</style>`)
    .replace('<!--SCRIPT-->', () => `<script>${js.replace(/<\/script/gi, '<\\/script')}</script>`);
  await mkdir('dist/inspect', { recursive: true });
  await writeFile('dist/inspect/index.html', html);
}

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    node: 'src/node.ts',
    testing: 'src/testing.ts',
    'testing-node': 'src/testing-node.ts',
    redis: 'src/redis.ts',
    cli: 'src/node/cli/main.ts',
  },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts', node: 'src/node.ts', testing: 'src/testing.ts', 'testing-node': 'src/testing-node.ts', redis: 'src/redis.ts' } },
  target: 'es2022',
  platform: 'neutral',
  external: ['rxjs', 'eventsource-parser', /^node:/],
  splitting: true,
  sourcemap: true,
  clean: true,
  treeshake: true,
  onSuccess: buildInspectPage,
});
