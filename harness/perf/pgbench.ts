import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
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

/** pgbench -S (select-only) for a while; transactions per second as pgbench reports them. */
export async function pgbenchSelectOnly(pgBinDir: string, node: StackNode, database: string, clients: number, seconds: number): Promise<number> {
  const { stdout } = await run(join(pgBinDir, 'pgbench'), ['-S', '-n', '-c', String(clients), '-j', '2', '-T', String(seconds), ...connArgs(node), database], {
    maxBuffer: 1 << 24,
  });
  const m = /tps = ([\d.]+)/.exec(stdout);
  if (!m) throw new StackError(`could not read tps from pgbench: ${stdout.slice(-300)}`);
  return Number(m[1]);
}
