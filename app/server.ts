import { buildApp } from './build.ts';
import { parseAppConfig } from './config.ts';

/**
 * The app as its own process (the load generator never shares its event loop). Prints one JSON
 * line `{"event":"listening","port":N}` on stdout when ready; exits on SIGTERM/SIGINT.
 */
async function main(): Promise<void> {
  const config = parseAppConfig(process.env.TIERBENCH_APP);
  const app = buildApp(config);
  const address = await app.listen({ host: config.host, port: config.port });
  const port = Number(new URL(address).port);
  process.stdout.write(JSON.stringify({ event: 'listening', port, pid: process.pid }) + '\n');
  let closing = false;
  const stop = () => {
    if (closing) return;
    closing = true;
    const force = setTimeout(() => process.exit(0), 3000);
    force.unref();
    void app.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // The harness owns this process: if it goes away (stdin closes), so does the app.
  process.stdin.on('end', stop);
  process.stdin.resume();
}

main().catch((err: unknown) => {
  process.stderr.write(`app failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
