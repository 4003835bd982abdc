import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A temp folder every user can traverse (PostgreSQL runs as another user when tests run as root).
 * Made on first use of `dir`, so a suite whose tests are all filtered out or skipped (and whose
 * afterAll never runs) leaves nothing behind.
 */
export function makeTempBase(prefix = 'tierbench-test-'): { readonly dir: string; remove: () => void } {
  let made: string | undefined;
  return {
    get dir() {
      if (!made) {
        made = mkdtempSync(join(tmpdir(), prefix));
        chmodSync(made, 0o755);
      }
      return made;
    },
    remove: () => {
      if (made) rmSync(made, { recursive: true, force: true });
    },
  };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
