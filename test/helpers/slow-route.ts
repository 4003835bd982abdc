import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const SKIP = new Set(['node_modules', '.git', 'reports', '.tierbench', '.scratch']);
const PHOTO_ROUTE = 'app/routes/photos.ts';
const ANCHOR = "app.get<{ Params: { id: string } }>('/photos/:id', { schema: { response: { 200: photoPageSchema } } }, async (req) => {";

/**
 * A candidate app made from a baseline tree plus one patch: GET /photos/:id busy-waits `busyMicros`
 * of CPU per request before doing its work (every other route untouched). For the gate's tests and
 * its injected-slowdown runs: it needs nothing but the baseline's files, so it runs anywhere.
 * @throws Error when the baseline's photo route does not look as expected (the patch would be a no-op)
 */
export function makeSlowPhotoTree(baseline: string, to: string, busyMicros: number): string {
  cpSync(baseline, to, { recursive: true, filter: (src) => !SKIP.has(relative(baseline, src)) });
  const file = join(to, PHOTO_ROUTE);
  const text = readFileSync(file, 'utf8');
  if (text.split(ANCHOR).length !== 2) throw new Error(`${PHOTO_ROUTE} of ${baseline} has no single GET /photos/:id handler to patch`);
  // performance.now() allocates no BigInt per call: the spin costs CPU only, not garbage for the whole process to collect.
  const busy = `\n    { const until = performance.now() + ${busyMicros / 1000}; while (performance.now() < until); } // injected by the gate's slowdown test`;
  writeFileSync(file, text.replace(ANCHOR, ANCHOR + busy));
  return to;
}
