import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const SKIP = new Set(['node_modules', '.git', 'reports', '.tierbench', '.scratch']);
const PHOTO_ROUTE = 'app/routes/photos.ts';
const ANCHOR = "app.get<{ Params: { id: string } }>('/photos/:id', { schema: { response: { 200: photoPageSchema } } }, async (req) => {";

/**
 * The patch's statement: it busy-waits `share` of what the process spent per request over its last
 * 100 requests, that figure taken without its own busy-waits (none for the first 100). Sized by the
 * app's own CPU so a quarter stays a quarter whether the machine is fast or slow and the app warm or
 * cold: a fixed 75 µs was a quarter of 300 µs on one machine and 11-14% of 534-648 µs in the gate's
 * colder closed loops on a slower one. The gate runs each scenario in an app process of its own, so
 * what the process spent is this route's. performance.now() allocates no BigInt per call: the spin
 * costs CPU only, not garbage for the whole process to collect.
 */
function busyStatement(share: number): string {
  return [
    '{ const g = globalThis as { __gateSlow?: { n: number; cpu0: number; busy0: number; busy: number; micros: number } };',
    '  const cpuNow = () => { const u = process.cpuUsage(); return u.user + u.system; };',
    '  const s = (g.__gateSlow ??= { n: 0, cpu0: cpuNow(), busy0: 0, busy: 0, micros: 0 });',
    `  if (++s.n % 100 === 0) { const c = cpuNow(); s.micros = Math.min(5000, ${share} * Math.max(0, c - s.cpu0 - (s.busy - s.busy0)) / 100); s.cpu0 = c; s.busy0 = s.busy; }`,
    '  const t0 = performance.now(); const until = t0 + s.micros / 1000; while (performance.now() < until); s.busy += (performance.now() - t0) * 1000;',
    '} // injected by the gate\'s slowdown test',
  ].join('\n    ');
}

/**
 * A candidate app made from a baseline tree plus one patch: GET /photos/:id busy-waits `share` of
 * the app's CPU per request before doing its work (busyStatement; every other route untouched).
 * For the gate's tests and its injected-slowdown runs: it needs nothing but the baseline's files,
 * so it runs anywhere.
 * @throws Error when the baseline's photo route does not look as expected (the patch would be a no-op)
 */
export function makeSlowPhotoTree(baseline: string, to: string, share: number): string {
  if (!(share > 0 && share < 10)) throw new Error(`share ${share}: a positive share of the request's CPU is expected`);
  cpSync(baseline, to, { recursive: true, filter: (src) => !SKIP.has(relative(baseline, src)) });
  const file = join(to, PHOTO_ROUTE);
  const text = readFileSync(file, 'utf8');
  if (text.split(ANCHOR).length !== 2) throw new Error(`${PHOTO_ROUTE} of ${baseline} has no single GET /photos/:id handler to patch`);
  writeFileSync(file, text.replace(ANCHOR, ANCHOR + '\n    ' + busyStatement(share)));
  return to;
}
