import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlive } from '../helpers/temp.ts';
import { startTestStack, type TestStack } from '../helpers/stack.ts';

/** Several app processes behind one port (node:cluster), as app servers behind a load balancer. */
let t: TestStack;
beforeAll(async () => {
  t = await startTestStack({ appProcesses: 3, workers: 1 });
}, 120_000);
afterAll(async () => t?.stop());

describe('--app-processes', () => {
  it('serves one port from several processes, each connection to one of them', async () => {
    const pids = new Set<number>();
    for (let i = 0; i < 30; i++) {
      // A new connection each time: the primary hands connections out round-robin.
      const agent = new Agent({ connections: 1 });
      const res = await request(`${t.app.baseUrl}/health`, { dispatcher: agent });
      pids.add(((await res.body.json()) as { pid: number }).pid);
      await agent.close();
    }
    expect(pids.size).toBe(3);
    expect(pids.has(t.app.pid)).toBe(false);
    const token = t.tokenOf(t.manifest.userIds[0]!);
    const photo = await fetch(`${t.app.baseUrl}/photos/${t.manifest.photoIds[0]}`, { headers: { authorization: `Bearer ${token}` } });
    expect(photo.status).toBe(200);
    (globalThis as { appPids?: number[] }).appPids = [...pids];
  });

  it('stops every app process when the app is stopped', async () => {
    const pids = (globalThis as { appPids?: number[] }).appPids ?? [];
    await t.app.stop();
    const deadline = Date.now() + 10_000;
    while (pids.some(isAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(pids.filter(isAlive)).toEqual([]);
  });
});
