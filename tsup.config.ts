import { defineConfig } from 'tsup';

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
});
