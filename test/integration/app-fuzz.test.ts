import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { Pool } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appErrors } from '../../app/errors.ts';
import { buildRequest, fuzzCase, type BuiltRequest, type FuzzWorld } from '../helpers/fuzz-requests.ts';
import { startTestStack, type TestStack } from '../helpers/stack.ts';

/**
 * Every route fuzzed from its schema against the real app on a real stack: no request may get a
 * 5xx, every error is `{error:{code,message}}` with a catalogued code, none may hang.
 * FUZZ_RUNS (default 3000), FUZZ_SEED (default 16) and FUZZ_TIER (default cache) set the run; a
 * failure prints its seed and path for fast-check to replay.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 3000);
const SEED = Number(process.env.FUZZ_SEED ?? 16);
const TIER = process.env.FUZZ_TIER ?? 'cache';
const TIMEOUT_MS = 10_000;

let t: TestStack;
let pool: Pool;
beforeAll(async () => {
  t = await startTestStack({ tier: TIER, logicalShards: 8, pgShards: 2, workers: 1 });
  pool = new Pool(t.app.baseUrl, { connections: 4, headersTimeout: TIMEOUT_MS, bodyTimeout: TIMEOUT_MS });
}, 120_000);
afterAll(async () => {
  await pool?.close();
  await t?.stop();
});

const CODES = new Set(Object.keys(appErrors));

/** The answer's error code ('' for a success or a HEAD), or what is wrong with the answer. */
function judge(req: BuiltRequest, status: number, text: string): { code: string; problem?: string } {
  if (status >= 500) return { code: '', problem: `status ${status}: ${text.slice(0, 300)}` };
  if (status < 400 || req.method === 'HEAD') return { code: '' };
  let code: unknown;
  try {
    code = (JSON.parse(text) as { error?: { code?: unknown } }).error?.code;
  } catch {
    return { code: '?', problem: `status ${status} with a body that is not JSON: ${text.slice(0, 200)}` };
  }
  if (typeof code === 'string' && CODES.has(code)) return { code };
  return { code: '?', problem: `status ${status} without a catalogued error code: ${text.slice(0, 200)}` };
}

const describeRequest = (req: BuiltRequest): string =>
  `${req.method} ${req.path} ${JSON.stringify(req.headers)} body ${req.body ? JSON.stringify(Buffer.from(req.body).toString('latin1')).slice(0, 300) : '-'}`;

describe('the app under schema-driven fuzzing (real PostgreSQL, Redis, Memcached)', () => {
  it(`answers ${RUNS} generated requests (seed ${SEED}, tier ${TIER}) without a 5xx, a stray error shape or a hang`, async () => {
    const world: FuzzWorld = { userIds: t.manifest.userIds, photoIds: t.manifest.photoIds, tokenOf: t.tokenOf, logicalShards: t.logicalShards };
    const seen = new Map<string, number>();
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(fuzzCase(world), async (c) => {
        const req = buildRequest(c, world, randomBytes(24).toString('base64url'));
        if (req.freshSession) await t.redis().set(`session:${req.freshSession.token}`, req.freshSession.userId, 'EX', 60);
        // undici's timeouts turn a hung request into a failure.
        const res = await pool.request({ method: req.method as 'GET', path: req.path, headers: req.headers, body: req.body });
        const { code, problem } = judge(req, res.statusCode, await res.body.text());
        const outcome = `${res.statusCode} ${code}`.trim();
        seen.set(outcome, (seen.get(outcome) ?? 0) + 1);
        if (problem) throw new Error(`${describeRequest(req)}: ${problem}`);
      }),
      { seed: SEED, numRuns: RUNS },
    );
    const seconds = (Date.now() - started) / 1000;
    const outcomes = [...seen].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k}: ${n}`);
    process.stdout.write(`fuzz: ${RUNS} runs, seed ${SEED}, tier ${TIER}, ${seconds.toFixed(1)} s (${(RUNS / seconds).toFixed(0)} req/s)\n  ${outcomes.join('\n  ')}\n`);
    // The run reached the stores, not only the validators.
    expect((seen.get('200') ?? 0) + (seen.get('201') ?? 0)).toBeGreaterThan(RUNS / 10);
  }, 600_000);
});
