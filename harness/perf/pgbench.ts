import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createPgPool, pgQuery } from '../../app/adapters/postgres.ts';
import { StackError } from '../errors.ts';
import type { StackNode } from '../stack/types.ts';

const run = promisify(execFile);

function connArgs(node: StackNode): string[] {
  const u = new URL(node.url);
  return ['-h', u.hostname, '-p', u.port, '-U', decodeURIComponent(u.username)];
}

/** pgbench -i into its own database on the node (so the app's schemas are untouched). */
export async function pgbenchInit(pgBinDir: string, node: StackNode, database: string, scale: number): Promise<{ rows: number; seconds: number }> {
  await run(join(pgBinDir, 'createdb'), [...connArgs(node), database]).catch(() => {});
  const started = process.hrtime.bigint();
  await run(join(pgBinDir, 'pgbench'), ['-i', '-q', '-s', String(scale), ...connArgs(node), database], { maxBuffer: 1 << 24 });
  return { rows: scale * 100_000, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

/**
 * pgbench -S -M prepared (select-only, statements parsed and planned once per connection, as the
 * app's named statements are) for a while; transactions per second as pgbench reports them.
 */
export function pgbenchSelectOnly(pgBinDir: string, node: StackNode, database: string, clients: number, seconds: number): Promise<number> {
  return pgbenchTps(pgBinDir, node, database, ['-S'], clients, seconds);
}

/**
 * pgbench -M prepared running a script file of our own (pgbench's script language) in the node's
 * own database (its URL's, where the app's tables are) for a while; tps.
 */
export function pgbenchScript(pgBinDir: string, node: StackNode, scriptFile: string, clients: number, seconds: number): Promise<number> {
  return pgbenchTps(pgBinDir, node, decodeURIComponent(new URL(node.url).pathname.slice(1)), ['-f', scriptFile], clients, seconds);
}

/**
 * SQL made safe for a pgbench script: pgbench takes every `:name` for a variable, inside string
 * literals too (to_char's 'HH24:MI:SS' becomes parameters), so such colons are spliced in as ':'
 * literals, which the planner folds back into one constant. `::` casts are left alone. Only for
 * SQL whose single colons are all inside string literals: add the script's `:var`s after.
 */
export function pgbenchLiteralColons(sql: string): string {
  return sql.replace(/(?<!:):(?=[A-Za-z_])/g, "' || ':' || '");
}

async function pgbenchTps(pgBinDir: string, node: StackNode, database: string, workload: string[], clients: number, seconds: number): Promise<number> {
  const { stdout } = await run(join(pgBinDir, 'pgbench'), [...workload, '-M', 'prepared', '-n', '-c', String(clients), '-j', '2', '-T', String(seconds), ...connArgs(node), database], {
    maxBuffer: 1 << 24,
  });
  const m = /tps = ([\d.]+)/.exec(stdout);
  if (!m) throw new StackError(`could not read tps from pgbench: ${stdout.slice(-300)}`);
  await backendsGone(node, database);
  return Number(m[1]);
}

/**
 * Waits until pgbench's backends on the database have exited. pgbench returns while its backends are still
 * shutting down: they would take CPU from whatever runs next, and their CPU time would show up in
 * the postmaster's reaped-children time during the next measurement instead of this one.
 */
async function backendsGone(node: StackNode, database: string): Promise<void> {
  const pool = createPgPool(node.url, 1, 'tierbench-perf');
  try {
    for (let i = 0; i < 100; i++) {
      // pgbench's own (the app's pool may hold connections to the same database).
      const [row] = await pgQuery<{ n: number }>(pool, "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'pgbench'", [database]);
      if (row?.n === 0) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    await pool.end();
  }
}
