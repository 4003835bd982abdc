import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_NODE_CAPACITY } from '../../harness/stack/capacity.ts';
import { pgNodesFor, replicaCountFor } from '../../harness/stack/topology.ts';
import { DEFAULT_PG_SHARDS, DEFAULT_REPLICAS } from '../../harness/stack/types.ts';

interface Service {
  profiles?: string[];
  labels?: Record<string, string>;
  cpus?: number;
  mem_limit?: string;
}

const compose = parse(readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8')) as { services: Record<string, Service> };

/** What the local provider starts for a tier, by default: node name → role. */
function localTopology(tier: string): Record<string, string> {
  const nodes: Record<string, string> = {};
  for (const n of pgNodesFor(tier, DEFAULT_PG_SHARDS)) nodes[n.name] = n.role;
  for (let i = 1; i <= replicaCountFor(tier); i++) nodes[`pg-replica-${i}`] = 'pg-replica';
  nodes.redis = 'redis';
  nodes.memcached = 'memcached';
  return nodes;
}

describe('docker-compose.yml stays consistent with the local topology', () => {
  for (const tier of ['cache', 'replicas', 'sharded']) {
    it(`profile ${tier}: same node names, roles and counts`, () => {
      const inProfile = Object.entries(compose.services).filter(([, s]) => s.profiles?.includes(tier));
      expect(Object.fromEntries(inProfile.map(([name, s]) => [name, s.labels?.['tierbench.role']]))).toEqual(localTopology(tier));
    });
  }

  it('gives every PostgreSQL node the same CPU and memory limits as the local default', () => {
    const pgs = Object.entries(compose.services).filter(([name]) => name.startsWith('pg-'));
    expect(pgs.length).toBeGreaterThan(0);
    const mem = (m: string | undefined) => (m?.endsWith('g') ? Number(m.slice(0, -1)) * 2 ** 30 : NaN);
    for (const [name, s] of pgs)
      expect({ name, cpus: s.cpus, mem: mem(s.mem_limit) }).toEqual({ name, cpus: DEFAULT_NODE_CAPACITY.cpus, mem: DEFAULT_NODE_CAPACITY.memoryBytes });
  });
});

describe('replicaCountFor', () => {
  it('gives the replicas tier the replicas asked for, DEFAULT_REPLICAS when none are, and other tiers none', () => {
    expect(replicaCountFor('replicas')).toBe(DEFAULT_REPLICAS);
    expect(replicaCountFor('replicas', 5)).toBe(5);
    expect(replicaCountFor('cache')).toBe(0);
    expect(replicaCountFor('sharded', 3)).toBe(0);
  });
});
