/** A fault's figures and a cache flush's recovery in words (terminal, summary.md, the report's trial sections). */
import type { CacheRecovery, FaultRequests, NodeLoad, TrialFault } from '../results/types.ts';
import { fmtBytes, fmtInt, fmtMs, fmtNum, fmtPct } from './format.ts';

const sec = (s: number | null | undefined): string => (s === null || s === undefined ? 'never' : `${fmtNum(s, 1)} s`);

/** "12 of 3,010 failed (5xx 12)": errors and timeouts among the requests due. */
export function failedText(r: FaultRequests): string {
  const failed = r.errors + r.timeouts;
  const classes: Record<string, number> = {};
  for (const op of Object.values(r.byOperation)) for (const [k, n] of Object.entries(op.errorsByClass)) classes[k] = (classes[k] ?? 0) + (n ?? 0);
  if (r.timeouts) classes.timeout = r.timeouts;
  const detail = Object.entries(classes).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${fmtInt(n)}`).join(', ');
  return `${fmtInt(failed)} of ${fmtInt(r.scheduled)} failed${detail ? ` (${detail})` : ''}`;
}

/** The node whose statement rate changed most (during a fault, over a flush's spike): "pg-primary 210 → 890 statements/s, CPU 0.21 → 0.48". */
export function busiestNodeText(nodes: readonly NodeLoad[]): string | null {
  const rows = nodes.filter((n) => n.queriesPerSec !== null && n.queriesPerSecBefore !== null);
  if (rows.length === 0) return null;
  const change = (n: (typeof rows)[number]) => Math.abs(n.queriesPerSec! - n.queriesPerSecBefore!);
  const n = rows.reduce((a, b) => (change(b) > change(a) ? b : a));
  const cpu = n.cpuPerSec !== null && n.cpuPerSecBefore !== null ? `, CPU ${fmtNum(n.cpuPerSecBefore, 2)} → ${fmtNum(n.cpuPerSec, 2)} cores` : '';
  return `${n.node} ${fmtInt(Math.round(n.queriesPerSecBefore!))} → ${fmtInt(Math.round(n.queriesPerSec!))} statements/s${cpu}`;
}

/** What the fault's kind adds, in words. */
export function faultDetails(f: TrialFault): string[] {
  const out: string[] = [];
  if (f.cache) out.push(`hit rate ${fmtPct(f.cache.hitRateBefore)} before; back to 90% of it ${f.cache.recoverySec === null ? 'not within the window' : `${sec(f.cache.recoverySec)} after`}`);
  if (f.replica) out.push(`reads reached it again by ${sec(f.replica.rejoinedAt)}${f.replica.lagBytesAtRejoin === null ? '' : ` (lag then ${fmtBytes(f.replica.lagBytesAtRejoin)})`}; caught up (lag < 1 MiB) by ${sec(f.replica.caughtUpAt)}`);
  if (f.replication) {
    const stale = Object.entries(f.replication.staleReads).map(([op, s]) => `${op} ${fmtInt(s.stale)}/${fmtInt(s.ok)}`).join(', ');
    out.push(`lag up to ${fmtBytes(f.replication.maxLagBytes)}, ${sec(f.replication.maxLagSeconds)}; caught up by ${sec(f.replication.caughtUpAt)}; stale reads ${stale || 'none measured'}`);
  }
  if (f.redis) {
    const r = f.redis;
    const q = (x: { waiting: number; active: number } | null) => (x ? `${fmtInt(x.waiting)} waiting + ${fmtInt(x.active)} active` : 'unknown');
    const pair = (name: string, p: [number, number]) => `${name} ${p[0]} → ${p[1]}`;
    out.push(
      `persistence ${r.persistence}; keys ${fmtInt(r.keysBefore)} → ${fmtInt(r.keysAfter)}; fan-out jobs ${q(r.queueBefore)} → ${q(r.queueAfter)}` +
        (r.sample ? `; of ${r.sample.users} seeded users: ${pair('sessions', r.sample.sessions)}, ${pair('feeds', r.sample.feeds)}, ${pair('follower counters', r.sample.followerCounters)}` : ''),
    );
  }
  if (f.worker) {
    const w = f.worker;
    out.push(
      `worker ${w.pid} ${w.midJob ? `killed mid-job holding ${w.jobsHeld}` : w.jobsHeld ? `held ${w.jobsHeld} job(s), finished before the kill` : 'held no job when killed'}` +
        (w.midJob ? `; ${w.jobsFinished} finished after (the last ${sec(w.lastFinishedAfterSec)} after the kill)` : '') +
        `; replacement ${w.replacementPid ?? 'did not start'}`,
    );
  }
  if (f.error) out.push(`ERROR: ${f.error}`);
  return out;
}

/** One line per fault: what, when, the outage, failures during and after, recovery, load, details. */
export function faultSentence(f: TrialFault): string {
  const parts = [
    `${f.kind} ${f.target} at ${sec(f.startedAt)}, back at ${sec(f.endedAt)} (outage ${sec(f.outageSec)}${f.startupSec !== undefined ? `, ${sec(f.startupSec)} to answer after its start` : ''})`,
    `during: ${failedText(f.during)}`,
    `after: ${failedText(f.after)}`,
    `failures over 1% ended ${f.errorsRecoveredSec === null ? 'not within the window' : `${sec(f.errorsRecoveredSec)} after it was back`}`,
  ];
  const busiest = busiestNodeText(f.nodes);
  if (busiest) parts.push(`PostgreSQL before → during: ${busiest}`);
  return [...parts, ...faultDetails(f)].join('; ');
}

/** One line per cache flush: the hit rate before, its recovery, the spike's p99 and the node load changed most. */
export function cacheRecoverySentence(r: CacheRecovery): string {
  const back = r.recoverySec === null ? 'not within the window' : `${sec(r.recoverySec)} after`;
  const parts = [
    `Memcached flushed at ${sec(r.atSecond)}; hit rate ${fmtPct(r.hitRateBefore)} before, back to 90% of it ${back}`,
    `spike (seconds ${r.spike.fromSecond}–${r.spike.toSecond}): p99 ${r.spike.p99Us === null ? 'none measured' : `${fmtMs(r.spike.p99Us)} ms`}`,
  ];
  const busiest = busiestNodeText(r.spike.nodes);
  if (busiest) parts.push(`PostgreSQL before → during: ${busiest}`);
  return parts.join('; ');
}
