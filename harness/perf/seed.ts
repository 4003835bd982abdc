/**
 * npm run perf:seed — the seeder against `pgbench -i` on the same PostgreSQL node in the same run:
 *  - pgbench -i at the scale whose row count matches the profile's (rows per second);
 *  - the seeder loading the profile (small by default) into the same node: rows per second over
 *    what pgbench -i does too (generate rows, COPY, keys, statistics), and the whole seed
 *    (also priming Redis and checking the invariants);
 *  - a snapshot of the seeded stack, then a new stack restored from it (seconds until the dataset
 *    is ready, compared with seeding it).
 * The last line is one JSON object with the figures.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPgPool, pgExec } from '../../app/adapters/postgres.ts';
import { ensureDataset, type Manifest } from '../seed/dataset.ts';
import { profiles, type Profile } from '../seed/profiles.ts';
import { progressPrinter } from '../seed/progress.ts';
import { SnapshotStore } from '../seed/snapshot.ts';
import { resolveBinaries } from '../stack/binaries.ts';
import { localProvider } from '../stack/local.ts';
import { removeIfKilled } from '../stack/supervisor.ts';
import { nodeByRole, type Stack } from '../stack/types.ts';
import { pgbenchInit } from './pgbench.ts';
import { perfSeedOptions } from '../config/perf-seed-options.ts';
import { failUnlessStopping, perfFlags, stopOnSignals } from './args.ts';

const LOGICAL_SHARDS = 64;
const log = (line: string) => process.stderr.write(line + '\n');
const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

async function seedInto(stack: Stack, profile: Profile): Promise<Manifest> {
  return ensureDataset([nodeByRole(stack, 'pg-primary').url], nodeByRole(stack, 'redis').url, profile, 1, LOGICAL_SHARDS, log, {
    progress: progressPrinter(process.stderr, log),
  });
}

async function main(): Promise<void> {
  const f = await perfFlags('perf:seed', perfSeedOptions);
  const profile = profiles[String(f.profile)]!;
  const bin = resolveBinaries(log);
  const base = mkdtempSync(join(tmpdir(), 'tierbench-perf-seed-'));
  chmodSync(base, 0o755);
  // Its snapshot is 1-2 GB: removed even if this process is killed outright.
  removeIfKilled(base);
  const snapshots = new SnapshotStore(join(base, 'snapshots'));
  const stacks: Stack[] = [];
  // Once: a signal's cleanup and main's finally must not race (the second removed the folder under the first).
  let cleaning: Promise<void> | undefined;
  const cleanup = () =>
    (cleaning ??= (async () => {
      for (const s of stacks.splice(0)) await s.down();
      rmSync(base, { recursive: true, force: true });
    })());
  stopOnSignals('perf:seed', cleanup);
  try {
    const stack = await localProvider.up({ tier: 'cache', baseDir: base, log });
    stacks.push(stack);
    const pg = nodeByRole(stack, 'pg-primary');

    // pgbench -i first, at the scale whose rows match the profile's, in a database dropped afterwards.
    const expectedRows = profile.users * 2 + profile.photos + profile.users * profile.followingMean * 2 + profile.likes + profile.comments;
    const scale = Math.max(1, Math.round(expectedRows / 100_000));
    log(`pgbench -i -s ${scale} (${scale * 100_000} accounts rows)...`);
    const pgb = await pgbenchInit(bin.pgBinDir, pg, 'pgbench_init', scale);
    const admin = createPgPool(pg.url.replace(/\/[^/]*$/, '/postgres'), 1);
    await pgExec(admin, 'DROP DATABASE pgbench_init');
    await pgExec(admin, 'CHECKPOINT');
    await admin.end();
    const pgbenchRowsPerSec = pgb.rows / pgb.seconds;
    log(`pgbench -i: ${pgb.rows} rows in ${pgb.seconds.toFixed(2)}s = ${Math.round(pgbenchRowsPerSec)} rows/s`);

    const m = await seedInto(stack, profile);
    const pgSeconds = (m.phases.generate ?? 0) + (m.phases.load ?? 0);
    const seederRowsPerSec = m.counts.rows / pgSeconds;
    const wholeRowsPerSec = m.counts.rows / m.seedSeconds;
    const info = await snapshots.save({ profile: m.profile, seed: m.seed, logicalShards: m.logicalShards, nodes: 1 }, stack, m, log);
    log(`snapshot saved in ${info.saveSeconds}s`);
    await stacks.pop()!.down();

    const found = snapshots.find({ profile: m.profile, seed: m.seed, logicalShards: m.logicalShards, nodes: 1 });
    if (!found) throw new Error('the snapshot just saved was not found');
    const started = performance.now();
    const restored = await localProvider.up({ tier: 'cache', baseDir: base, restore: found.restore, log });
    stacks.push(restored);
    const again = await seedInto(restored, profile);
    const restoreSeconds = (performance.now() - started) / 1000;
    if (again.seededNow || again.digest !== m.digest) throw new Error('the restored stack does not hold the seeded dataset');

    const figures = {
      profile: m.profile,
      rows: m.counts.rows,
      pgbenchScale: scale,
      pgbenchRows: pgb.rows,
      pgbenchSeconds: round(pgb.seconds),
      pgbenchRowsPerSec: Math.round(pgbenchRowsPerSec),
      seederRowsPerSec: Math.round(seederRowsPerSec),
      seedVsPgbenchInit: round(seederRowsPerSec / pgbenchRowsPerSec),
      wholeSeedRowsPerSec: Math.round(wholeRowsPerSec),
      wholeSeedVsPgbenchInit: round(wholeRowsPerSec / pgbenchRowsPerSec),
      phases: m.phases,
      [`${m.profile}SeedSeconds`]: m.seedSeconds,
      [`${m.profile}SnapshotSeconds`]: info.saveSeconds,
      [`${m.profile}RestoreSeconds`]: round(restoreSeconds),
      restoreVsSeed: round(restoreSeconds / m.seedSeconds),
    };
    log('');
    log(`seeder (generate + COPY + keys): ${Math.round(seederRowsPerSec)} rows/s = ${figures.seedVsPgbenchInit}x pgbench -i (${Math.round(pgbenchRowsPerSec)} rows/s)`);
    log(`whole seed (also Redis and checks): ${m.seedSeconds}s, ${Math.round(wholeRowsPerSec)} rows/s = ${figures.wholeSeedVsPgbenchInit}x`);
    log(`restore from snapshot: ${round(restoreSeconds, 1)}s = ${figures.restoreVsSeed} of seeding`);
    process.stdout.write(JSON.stringify(figures) + '\n');
  } finally {
    await cleanup();
  }
}

main().catch(failUnlessStopping('perf:seed'));
