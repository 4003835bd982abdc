import { resolveBinaries } from '../../harness/stack/binaries.ts';
import { ensureCommands } from '../../harness/stack/system-packages.ts';

/**
 * Global setup of the suites that start real servers or a browser: what `bench` installs for
 * itself (PostgreSQL, Redis, Memcached) and what the tests add (Debian's Chromium). Installed with
 * apt on Debian as root, saying so; elsewhere the run stops here naming the packages, so nothing is
 * skipped silently.
 */
export default function setup(): void {
  const log = (line: string): void => void process.stdout.write(`[tierbench tests] ${line}\n`);
  resolveBinaries(log);
  ensureCommands([{ command: 'chromium', pkg: 'chromium' }], log, ' for the report tests (headless Chromium)');
}
