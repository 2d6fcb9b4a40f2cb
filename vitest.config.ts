import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Type tests (`*.test-d.ts`): tsc checks them, `@ts-expect-error` lines included.
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    // CI reads the JSON report to print its "N passed, N failed" line.
    reporters: ['default', ['json', { outputFile: '.tmp/vitest.json' }]],
  },
});
