/**
 * npm run perf:sampler — what the backend sampler's statement counts cost the node it reads. The
 * sampler reads every node once a second during a window; on a node of a small CPU quota that
 * reading competes with the load being measured. On one cache-tier node (64 shard schemas), after
 * running --shapes statement shapes on each schema, each round times, back to back, --readings
 * readings the way the samplers count now (statementCounts: by queryid, each text read once) and
 * the way they did before (every entry's text, every time), as CPU the node's cgroup spent. One
 * line per round on stderr; the last stdout line is one JSON object with each round's figures and
 * the medians. Flags: harness/config/perf-sampler-options.ts (--help).
 */
import { createPgPool, pgQuery, type PgPool } from '../../app/adapters/postgres.ts';
import { shardSchema } from '../../app/schema/ids.ts';
import { perfSamplerOptions } from '../config/perf-sampler-options.ts';
import { ExitCode, StackError } from '../errors.ts';
import { HARNESS_MARK, statementCounts } from '../metrics/statements.ts';
import { launchStack } from '../run/launcher.ts';
import { DEFAULT_SNAPSHOTS } from '../seed/snapshot.ts';
import { capacityUnavailable, cgroupCpuNs } from '../stack/capacity.ts';
import { primaries } from '../stack/topology.ts';
import { failUnlessStopping, perfFlags, stopOnSignals } from './args.ts';

const LOGICAL_SHARDS = 64;

/** The samplers' reading before they counted by queryid: every entry's text, every time. */
const TEXT_EVERY_TIME = `${HARNESS_MARK} SELECT substring(query from 's([0-9]{4})\\.') AS shard, sum(calls)::text AS calls,
  sum(calls) FILTER (WHERE query ~ '(INSERT INTO|UPDATE|DELETE FROM) s[0-9]{4}\\.')::text AS writes
  FROM pg_stat_statements WHERE query NOT LIKE '%tierbench-harness%' GROUP BY 1`;

const log = (line: string): void => void process.stderr.write(line + '\n');
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

/** Entries as a run leaves them: `shapes` distinct statements on every shard schema. */
async function makeEntries(pool: PgPool, shapes: number): Promise<number> {
  for (let s = 0; s < LOGICAL_SHARDS; s++)
    for (let k = 0; k < shapes; k++) await pgQuery(pool, `SELECT id, owner_id, like_count + ${k} AS c${k}, created_at FROM ${shardSchema(s)}.photos WHERE id = $1 AND owner_id IS NOT NULL`, [-1]);
  const [row] = await pgQuery<{ n: string }>(pool, 'SELECT count(*)::text AS n FROM pg_stat_statements');
  return Number(row?.n ?? 0);
}

async function main(): Promise<void> {
  const f = await perfFlags('perf:sampler', perfSamplerOptions);
  const why = capacityUnavailable();
  if (why) throw new StackError(`perf:sampler needs the node capacity model (cgroup v1 as root): ${why}`);
  const [rounds, readings, shapes, cpus] = [Number(f.rounds), Number(f.readings), Number(f.shapes), Number(f.nodeCpus)];
  const launched = await launchStack({ tier: 'cache', replicas: 0, pgShards: 1, capacity: { cpus, memoryBytes: 2 ** 30 }, profile: 'tiny', seed: 1, logicalShards: LOGICAL_SHARDS, snapshots: DEFAULT_SNAPSHOTS, log });
  stopOnSignals('perf:sampler', () => launched.down());
  try {
    const node = primaries(launched.stack)[0]!;
    const pool = createPgPool(node.url, 1, 'tierbench-perf-sampler');
    try {
      const entries = await makeEntries(pool, shapes);
      /** CPU µs the node spent per call of `read`. */
      const cost = async (read: () => Promise<unknown>): Promise<number> => {
        const before = cgroupCpuNs(node.cpuacctDir ?? '');
        for (let i = 0; i < readings; i++) await read();
        const after = cgroupCpuNs(node.cpuacctDir ?? '');
        if (before === null || after === null) throw new StackError(`the node's CPU time cannot be read from ${node.cpuacctDir ?? 'its cgroup'}`);
        return (after - before) / 1e3 / readings;
      };
      // Both kinds once, untimed: their own statements are entries too, and by queryid each text is read once.
      await statementCounts(pool);
      await pgQuery(pool, TEXT_EVERY_TIME);
      await statementCounts(pool);
      const out: Array<{ byQueryidUs: number; textsUs: number; ratio: number }> = [];
      for (let r = 0; r < rounds; r++) {
        const byQueryidUs = await cost(() => statementCounts(pool));
        const textsUs = await cost(() => pgQuery(pool, TEXT_EVERY_TIME));
        out.push({ byQueryidUs, textsUs, ratio: byQueryidUs / textsUs });
        log(`round ${r + 1}: ${entries} entries; a reading by queryid cost the node ${(byQueryidUs / 1000).toFixed(1)} ms of CPU, with texts ${(textsUs / 1000).toFixed(1)} ms (${(byQueryidUs / textsUs).toFixed(3)}); once a second, ${((byQueryidUs / 1e6 / cpus) * 100).toFixed(1)}% against ${((textsUs / 1e6 / cpus) * 100).toFixed(1)}% of a ${cpus}-CPU quota`);
      }
      const ratios = out.map((o) => o.ratio);
      process.stdout.write(
        JSON.stringify({ entries, nodeCpus: cpus, rounds: out, byQueryidUs: median(out.map((o) => o.byQueryidUs)), textsUs: median(out.map((o) => o.textsUs)), ratio: median(ratios), ratioRange: [Math.min(...ratios), Math.max(...ratios)] }) + '\n',
      );
    } finally {
      await pool.end();
    }
  } finally {
    await launched.down();
  }
}

main().then(
  () => process.exit(ExitCode.ok),
  failUnlessStopping('perf:sampler'),
);
