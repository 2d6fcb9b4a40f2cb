import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // CI reads the JSON report to print its "N passed, N failed" line.
    reporters: ['default', ['json', { outputFile: '.tmp/vitest.json' }]],
  },
});
