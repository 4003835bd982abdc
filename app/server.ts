import { buildApp } from './build.ts';
import { parseAppConfig } from './config.ts';
import { failStartup, stopOnSignals } from './process-lifecycle.ts';

/**
 * The app as its own process (the load generator never shares its event loop). Prints one JSON
 * line `{"event":"listening","port":N}` on stdout when ready.
 */
async function main(): Promise<void> {
  const config = parseAppConfig(process.env.TIERBENCH_APP);
  const app = buildApp(config);
  const address = await app.listen({ host: config.host, port: config.port });
  const port = Number(new URL(address).port);
  process.stdout.write(JSON.stringify({ event: 'listening', port, pid: process.pid }) + '\n');
  stopOnSignals(() => app.close(), 3000);
}

main().catch(failStartup('app'));
