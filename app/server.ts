import cluster from 'node:cluster';
import { buildApp } from './build.ts';
import { parseAppConfig, type AppConfig } from './config.ts';
import { failStartup, stopOnSignals } from './process-lifecycle.ts';

/**
 * The app as its own process (the load generator never shares its event loop). Prints one JSON
 * line `{"event":"listening","port":N}` on stdout when ready. With `processes` > 1 it is a small
 * tier of app servers behind one port, as Instagram ran many stateless Django servers behind a
 * load balancer: node:cluster forks them and hands out connections round-robin.
 */
async function serve(config: AppConfig): Promise<number> {
  const app = buildApp(config);
  const address = await app.listen({ host: config.host, port: config.port });
  const port = Number(new URL(address).port);
  if (cluster.isWorker) {
    // A cluster worker ends with its primary (the IPC channel closing) or on its SIGTERM.
    process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
  } else {
    stopOnSignals(() => app.close(), 3000);
  }
  return port;
}

/** The primary of several app processes: forks them, waits until all listen, stops them on its own stop. */
async function primary(config: AppConfig): Promise<void> {
  cluster.setupPrimary({ stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const workers = Array.from({ length: config.processes }, () => cluster.fork());
  const ports = await Promise.all(
    workers.map(
      (w) =>
        new Promise<number>((resolve, reject) => {
          w.once('message', (m: { port?: number }) => (m.port ? resolve(m.port) : reject(new Error('app process sent no port'))));
          w.once('exit', (code) => reject(new Error(`an app process exited (${code}) while starting`)));
        }),
    ),
  );
  stopOnSignals(() => Promise.all(workers.map((w) => new Promise((done) => (w.once('exit', done), w.kill('SIGTERM'))))), 3000);
  process.stdout.write(JSON.stringify({ event: 'listening', port: ports[0], pid: process.pid, processes: workers.length }) + '\n');
}

async function main(): Promise<void> {
  const config = parseAppConfig(process.env.TIERBENCH_APP);
  if (config.processes > 1 && cluster.isPrimary) return primary(config);
  const port = await serve(config);
  if (cluster.isWorker) process.send!({ port });
  else process.stdout.write(JSON.stringify({ event: 'listening', port, pid: process.pid }) + '\n');
}

main().catch(failStartup('app'));
