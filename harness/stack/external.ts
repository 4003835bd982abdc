import { readUserJson } from '../config/user-file.ts';
import { mcPing } from '../../app/adapters/memcached.ts';
import { pgPing } from '../../app/adapters/postgres.ts';
import { redisPing } from '../../app/adapters/redis.ts';
import { StackError, UsageError } from '../errors.ts';
import { pgNodesFor, primaries } from './topology.ts';
import { asIs, type NodeRole, type Stack, type StackNode, type StackProvider, type StackRequest } from './types.ts';

/**
 * external: nodes someone else runs (real multi-host deployments), read from a JSON file:
 *   { "tier": "sharded", "nodes": [ { "name": "pg-shard-0", "role": "pg-shard-0", "url": "postgres://..." }, ...,
 *     { "name": "redis", "role": "redis", "url": "redis://..." }, { "name": "memcached", "role": "memcached", "url": "host:port" } ] }
 * tierbench neither starts nor stops them, and cannot size them: results say so.
 */
export const EXTERNAL_CONFIG_ENV = 'TIERBENCH_EXTERNAL_STACK';

const ROLE = /^(pg-primary|pg-replica|pg-shard-\d+|redis|memcached)$/;

export function readExternalStack(path: string, tier: string): StackNode[] {
  const read = readUserJson(path);
  if (!read.ok) throw new UsageError(`external stack file: ${read.problem}`);
  const data = read.data;
  const problems: string[] = [];
  const d = data as { tier?: unknown; nodes?: unknown };
  if (d.tier !== tier) problems.push(`"tier" is ${JSON.stringify(d.tier)}, but the run asks for tier ${tier}`);
  const nodes: StackNode[] = [];
  if (!Array.isArray(d.nodes)) problems.push('"nodes" must be a list of { name, role, url }');
  else
    d.nodes.forEach((n: { name?: unknown; role?: unknown; url?: unknown }, i) => {
      if (typeof n.name !== 'string' || typeof n.url !== 'string' || typeof n.role !== 'string' || !ROLE.test(n.role))
        problems.push(`nodes[${i}]: needs a name, a url and a role (pg-primary, pg-replica, pg-shard-N, redis, memcached)`);
      else {
        const u = n.role === 'memcached' ? new URL(`memcached://${n.url}`) : new URL(n.url);
        nodes.push({ name: n.name, role: n.role as NodeRole, url: n.url, host: u.hostname, port: Number(u.port), pid: null, version: 'external' });
      }
    });
  if (!problems.length) {
    for (const role of ['redis', 'memcached'] as const) if (!nodes.some((n) => n.role === role)) problems.push(`no ${role} node`);
    try {
      const want = pgNodesFor(tier, nodes.filter((n) => n.role.startsWith('pg-shard-')).length || 1).map((n) => n.role);
      const have = primaries({ nodes }).map((n) => n.role);
      if (JSON.stringify(want) !== JSON.stringify(have)) problems.push(`tier ${tier} needs PostgreSQL nodes ${want.join(', ')}; the file has ${have.join(', ')}`);
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  if (problems.length) throw new UsageError(`external stack file "${path}": ${problems.join('; ')}`);
  return nodes;
}

export const externalProvider: StackProvider = {
  name: 'external',
  async up(request: StackRequest): Promise<Stack> {
    const path = request.externalConfig ?? process.env[EXTERNAL_CONFIG_ENV];
    if (!path) throw new UsageError(`--stack external needs --stack-config <file.json> (or ${EXTERNAL_CONFIG_ENV})`);
    const nodes = readExternalStack(path, request.tier);
    const answers = await Promise.all(
      nodes.map((n) => (n.role === 'redis' ? redisPing(n.url) : n.role === 'memcached' ? mcPing(n.url) : pgPing(n.url))),
    );
    const silent = nodes.filter((_, i) => !answers[i]).map((n) => `${n.name} (${n.url})`);
    if (silent.length) throw new StackError(`external nodes do not answer: ${silent.join(', ')}`);
    request.log(`using ${nodes.length} external nodes from ${path}`);
    return {
      provider: 'external',
      tier: request.tier,
      nodes,
      runDir: path,
      owned: false,
      capacity: { applied: false, description: 'unconstrained as far as tierbench knows: external nodes are sized by whoever runs them' },
      withCpuUnlimited: asIs,
      down: async () => {},
    };
  },
};
