import { createPgPool, pgQuery } from '../../app/adapters/postgres.ts';
import { shardSchema } from '../../app/schema/ids.ts';
import { shardsOfNode } from '../../app/schema/shard-map.ts';
import type { Scenario, SetupStep } from '../../scenarios/types.ts';
import { StackError } from '../errors.ts';
import { sessionToken } from '../seed/sessions.ts';
import { primaries } from '../stack/topology.ts';
import type { Stack } from '../stack/types.ts';

/** What a set-up step needs: where the app answers and the stack's data. */
export interface SetupContext {
  baseUrl: string;
  stack: Stack;
  logicalShards: number;
  sessionSeed: number;
}

/** The users with the most followers, most first, read from every shard's users table. */
async function mostFollowed(ctx: SetupContext, count: number): Promise<string[]> {
  const nodes = primaries(ctx.stack);
  const rows = await Promise.all(
    nodes.map(async (n, i) => {
      const { first, last } = shardsOfNode(i, ctx.logicalShards, nodes.length);
      const pool = createPgPool(n.url, 1, 'tierbench-setup');
      try {
        const parts = Array.from({ length: last - first + 1 }, (_, k) => `(SELECT id::text, follower_count FROM ${shardSchema(first + k)}.users ORDER BY follower_count DESC LIMIT ${count})`);
        return await pgQuery<{ id: string; follower_count: number }>(pool, `${parts.join(' UNION ALL ')} ORDER BY follower_count DESC LIMIT ${count}`);
      } finally {
        await pool.end();
      }
    }),
  );
  return rows.flat().sort((a, b) => b.follower_count - a.follower_count).map((r) => r.id);
}

const fill = (text: string, vars: Record<string, string>): string => text.replace(/\{([A-Za-z][A-Za-z0-9_]*)\}/g, (m, name: string) => vars[name] ?? m);

/** A dot path into a JSON value ("photo.id"). */
function pick(value: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[k] : undefined), value);
}

async function request(ctx: SetupContext, step: Extract<SetupStep, { request: unknown }>, vars: Record<string, string>): Promise<string> {
  const r = step.request;
  const as = fill(r.as, vars);
  const body = r.body ? JSON.stringify(Object.fromEntries(Object.entries(r.body).map(([k, v]) => [k, fill(v, vars)]))) : undefined;
  const res = await fetch(ctx.baseUrl + fill(r.path, vars), {
    method: r.method,
    headers: { authorization: `Bearer ${sessionToken(ctx.sessionSeed, as)}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body } : {}),
  });
  const text = await res.text();
  const value = res.ok ? pick(JSON.parse(text), r.capture) : undefined;
  if (typeof value !== 'string' && typeof value !== 'number') throw new StackError(`set-up step for {${step.var}}: ${r.method} ${fill(r.path, vars)} answered ${res.status} without "${r.capture}": ${text.slice(0, 200)}`);
  return String(value);
}

/** Runs a scenario's set-up steps in order; returns the values of its vars. */
export async function runSetup(scenario: Scenario, ctx: SetupContext): Promise<Record<string, string>> {
  const vars: Record<string, string> = {};
  for (const step of scenario.setup ?? []) {
    if ('pick' in step) {
      const rank = step.rank ?? 0;
      const users = await mostFollowed(ctx, rank + 1);
      if (users[rank] === undefined) throw new StackError(`set-up step for {${step.var}}: the dataset has fewer than ${rank + 1} users`);
      vars[step.var] = users[rank]!;
    } else {
      vars[step.var] = await request(ctx, step, vars);
    }
  }
  return vars;
}
