import type { GenericContainer, StartedNetwork, StartedTestContainer } from 'testcontainers';
import { StackError } from '../errors.ts';
import { DEFAULT_NODE_CAPACITY, DOCKER_PERIOD_US, describeCapacity } from './capacity.ts';
import { pgNodesFor, replicaCountFor } from './topology.ts';
import { DEFAULT_PG_SHARDS, type NodeRole, type Stack, type StackNode, type StackProvider, type StackRequest, asIs } from './types.ts';

/**
 * docker: the same topologies as the local provider, as containers through testcontainers, each
 * PostgreSQL node with the capacity model as a container CPU and memory quota. Used where a Docker
 * engine answers; none runs on the development machines, so it is typechecked, not run, there.
 */

/** Why no Docker engine can be used, or null when one answers. */
export async function dockerUnavailable(): Promise<string | null> {
  try {
    const { getContainerRuntimeClient } = await tc();
    await getContainerRuntimeClient();
    return null;
  } catch (err) {
    return `no Docker engine answers (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`;
  }
}

/** testcontainers is loaded only when the docker provider is used (it is large). */
const tc = () => import('testcontainers');
type Tc = Awaited<ReturnType<typeof tc>>;

const PG_COMMAND = ['postgres', '-c', 'max_connections=200', '-c', 'shared_buffers=256MB', '-c', 'wal_level=replica', '-c', 'track_io_timing=on'];
const PG_ENV = { POSTGRES_USER: 'tierbench', POSTGRES_DB: 'tierbench', POSTGRES_HOST_AUTH_METHOD: 'trust' };

function pgContainer({ GenericContainer, Wait }: Tc, network: StartedNetwork, alias: string, quota: { memory?: number; cpu?: number }): GenericContainer {
  return new GenericContainer('postgres:15')
    .withNetwork(network)
    .withNetworkAliases(alias)
    .withEnvironment(PG_ENV)
    .withCopyContentToContainer([{ content: 'echo "host replication all all trust" >> "$PGDATA/pg_hba.conf"\n', target: '/docker-entrypoint-initdb.d/replication-hba.sh' }])
    .withCommand(PG_COMMAND)
    .withExposedPorts(5432)
    .withResourcesQuota(quota)
    .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2));
}

function replicaContainer({ GenericContainer, Wait }: Tc, network: StartedNetwork, alias: string, quota: { memory?: number; cpu?: number }): GenericContainer {
  const script =
    'until pg_basebackup -h pg-primary -U tierbench -D "$PGDATA" -X stream -R -c fast; do rm -rf "$PGDATA"/*; sleep 1; done; ' +
    'chown -R postgres "$PGDATA"; chmod 700 "$PGDATA"; exec gosu postgres postgres -c hot_standby=on';
  return new GenericContainer('postgres:15')
    .withNetwork(network)
    .withNetworkAliases(alias)
    .withEnvironment({ PGDATA: '/var/lib/postgresql/data' })
    .withEntrypoint(['bash', '-c'])
    .withCommand([script])
    .withExposedPorts(5432)
    .withResourcesQuota(quota)
    .withWaitStrategy(Wait.forLogMessage(/ready to accept read-only connections/));
}

function node(c: StartedTestContainer, name: string, role: NodeRole, port: number): StackNode {
  const host = c.getHost();
  const mapped = c.getMappedPort(port);
  const url = role === 'redis' ? `redis://${host}:${mapped}` : role === 'memcached' ? `${host}:${mapped}` : `postgres://tierbench@${host}:${mapped}/tierbench`;
  return { name, role, host, port: mapped, url, pid: null, version: 'docker' };
}

export const dockerProvider: StackProvider = {
  name: 'docker',
  async up(request: StackRequest): Promise<Stack> {
    const why = await dockerUnavailable();
    if (why) throw new StackError(`${why}; use --stack local (the default) on this machine`);
    const cap = request.capacity ?? DEFAULT_NODE_CAPACITY;
    const quota = { ...(cap.cpus > 0 ? { cpu: cap.cpus } : {}), ...(cap.memoryBytes > 0 ? { memory: cap.memoryBytes / 2 ** 30 } : {}) };
    const lib = await tc();
    const network = await new lib.Network().start();
    const started: StartedTestContainer[] = [];
    const nodes: StackNode[] = [];
    try {
      request.log('starting containers (docker)...');
      for (const n of pgNodesFor(request.tier, request.pgShards ?? DEFAULT_PG_SHARDS)) {
        const c = await pgContainer(lib, network, n.name, quota).start();
        started.push(c);
        nodes.push(node(c, n.name, n.role, 5432));
      }
      for (let i = 1; i <= replicaCountFor(request.tier, request.replicas); i++) {
        const c = await replicaContainer(lib, network, `pg-replica-${i}`, quota).start();
        started.push(c);
        nodes.push(node(c, `pg-replica-${i}`, 'pg-replica', 5432));
      }
      const redis = await new lib.GenericContainer('redis:7').withCommand(['redis-server', '--save', '', '--appendonly', 'no']).withExposedPorts(6379).start();
      started.push(redis);
      nodes.push(node(redis, 'redis', 'redis', 6379));
      const memcached = await new lib.GenericContainer('memcached:1.6').withCommand(['memcached', '-m', '512', '-c', '4096', '-U', '0']).withExposedPorts(11211).start();
      started.push(memcached);
      nodes.push(node(memcached, 'memcached', 'memcached', 11211));
    } catch (err) {
      await Promise.all(started.map((c) => c.stop().catch(() => {})));
      await network.stop().catch(() => {});
      throw err;
    }
    return {
      provider: 'docker',
      tier: request.tier,
      nodes,
      runDir: `docker network ${network.getName()}`,
      owned: true,
      capacity: { applied: cap.cpus > 0 || cap.memoryBytes > 0, description: `${describeCapacity(cap, DOCKER_PERIOD_US).replace('(cgroup v1)', '(container quota)')}`, perNode: cap },
      withCpuUnlimited: asIs,
      down: async () => {
        await Promise.all(started.map((c) => c.stop().catch(() => {})));
        await network.stop().catch(() => {});
      },
    };
  },
};
