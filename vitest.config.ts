import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['apps/*/test/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    pool: 'forks',
    // Generous limits: many tests start servers, directories, browsers and CLI processes, and CI
    // runs files in parallel on two cores. A limit here only catches hangs; speed is measured by
    // `npm run bench`, never asserted by a timed test.
    testTimeout: 90_000,
    hookTimeout: 180_000,
    // Browser tests poll pages that poll the server: on a busy CI machine a second is not enough.
    expect: { poll: { timeout: 15_000, interval: 100 } },
    reporters: ['default', './test-reporter.ts'],
  },
});
