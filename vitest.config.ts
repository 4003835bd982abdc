import { defineConfig } from 'vitest/config';

/**
 * Three projects, run in this order by `npm test`:
 * - unit: no real server (pure logic, in-process HTTP, the app with fake stores); files in parallel.
 * - contract, integration: real PostgreSQL, Redis and Memcached the tests start; on a 2-core machine
 *   one file at a time, after the unit files. Their global setup installs missing Debian packages.
 */
const serverSuite = (name: string, groupOrder: number) => ({
  extends: true as const,
  test: {
    name,
    include: [`test/${name}/**/*.test.ts`],
    fileParallelism: false,
    globalSetup: ['test/setup/system-packages.ts'],
    sequence: { groupOrder },
  },
});

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'], maxWorkers: 2, sequence: { groupOrder: 0 } } },
      serverSuite('contract', 1),
      serverSuite('integration', 2),
    ],
  },
});
