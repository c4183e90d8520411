import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['apps/*/test/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Browser tests poll pages that poll the server: on a busy CI machine a second is not enough.
    expect: { poll: { timeout: 15_000, interval: 100 } },
    reporters: ['default', './test-reporter.ts'],
  },
});
