import { describe, expect, it } from 'vitest';
import { actionsUnsupported } from '../../harness/run/actions.ts';
import type { Stack, StackNode } from '../../harness/stack/types.ts';
import type { TimedAction } from '../../scenarios/types.ts';

const node = (name: string, role: StackNode['role']): StackNode => ({ name, role, host: '127.0.0.1', port: 1, url: '', pid: 1, version: '' });
const nodes = [node('memcached', 'memcached'), node('redis', 'redis'), node('pg-primary', 'pg-primary')];
const control = { nodes: nodes.map((n) => n.name), stop: async () => {}, kill: async () => {}, start: async () => {} };
const stackOf = (o: Partial<Stack>): Stack => ({ provider: 'local', tier: 'cache', nodes, owned: true, ...o }) as Stack;

const stopRedis: TimedAction = { atSec: 5, do: 'stop-node', node: 'redis', forSec: 3 };

describe('which timed actions a stack can take, asked once it is up', () => {
  it('refuses a node fault on a stack without control (docker, external, kept), saying why', () => {
    expect(actionsUnsupported([stopRedis], stackOf({ provider: 'docker' }), 2)).toEqual([
      'stop-node redis: the docker stack cannot stop single nodes; fault scenarios need a stack this run starts with --stack local',
    ]);
    expect(actionsUnsupported([stopRedis], stackOf({ owned: false }), 2)[0]).toContain('the local stack (not started by this run) cannot stop single nodes');
  });

  it('takes a node fault where the stack has control of that node', () => {
    expect(actionsUnsupported([stopRedis], stackOf({ control }), 2)).toEqual([]);
    expect(actionsUnsupported([{ ...stopRedis, node: 'pg-replica-1' }], stackOf({ control }), 2)[0]).toMatch(/^stop-node pg-replica-1: the cache stack has no node pg-replica-1/);
  });

  it('refuses pausing replication without replicas, and killing a worker with none started', () => {
    const stack = stackOf({ control });
    expect(actionsUnsupported([{ atSec: 1, do: 'pause-replication', forSec: 1 }], stack, 2)).toEqual(['pause-replication: the cache stack has no replicas']);
    expect(actionsUnsupported([{ atSec: 1, do: 'kill-worker', forSec: 1 }], stack, 0)).toEqual(['kill-worker: no fan-out worker process to kill (--workers 0)']);
    expect(actionsUnsupported([{ atSec: 1, do: 'kill-worker', forSec: 1 }, { atSec: 2, do: 'flush-memcached' }], stack, 1)).toEqual([]);
  });
});
