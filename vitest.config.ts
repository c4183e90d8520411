import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['apps/*/test/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    pool: 'forks',
    // Two files at a time. Vitest's default is one fewer than the cores, i.e. one on the two-core
    // CI machine, and most files spend their time waiting on servers, directories and browsers
    // they started (CPU per file is well under one core), so a second file fills the gaps. Every
    // file is isolated: its own servers on free ports, a fresh database (SQLite file or a new
    // PostgreSQL database), a random Redis key prefix, Samba in its own network namespace.
    maxWorkers: 2,
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
