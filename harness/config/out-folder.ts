import { existsSync, mkdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../errors.ts';

/**
 * Makes an output folder before any work starts and proves it can be written, so a bad --out is a
 * usage error at once, not a run's results lost at its end. Creates the missing folders one at a
 * time: Node 20's mkdirSync(path, { recursive: true }) never returns for a path under /proc (it
 * spun at 100% CPU for `--out /proc/x/y`). Returns the absolute path.
 */
export function prepareOutFolder(path: string, flag = '--out'): string {
  const dir = resolve(path);
  const fail = (why: string): never => {
    throw new UsageError(`${flag}: cannot write to the folder ${path} (${why}); accepted: a folder this user can create or write in`);
  };
  const missing: string[] = [];
  for (let d = dir; !existsSync(d); d = dirname(d)) missing.unshift(d);
  try {
    for (const d of missing) mkdirSync(d);
    if (!statSync(dir).isDirectory()) fail('it is a file');
    // access(W_OK) says yes to root on any folder: only a real write shows a read-only or virtual file system.
    const probe = join(dir, `.tierbench-write-${process.pid}`);
    writeFileSync(probe, '');
    unlinkSync(probe);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    fail((err as NodeJS.ErrnoException).code ?? String(err));
  }
  return dir;
}
