import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { APP_DEFAULTS, type AppConfig } from '../../app/config.ts';
import { StackError } from '../errors.ts';
import type { Supervised, Supervisor } from '../stack/supervisor.ts';

const SERVER = fileURLToPath(new URL('../../app/server.ts', import.meta.url));
const WORKER = fileURLToPath(new URL('../../app/worker.ts', import.meta.url));

/** What the harness decides; the rest has app defaults. */
export type AppLaunch = Omit<AppConfig, 'host' | 'port' | keyof typeof APP_DEFAULTS> & Partial<Pick<AppConfig, keyof typeof APP_DEFAULTS>>;

export interface AppProcess {
  baseUrl: string;
  pid: number;
  workers: Supervised[];
}

/** Spawns a TypeScript entry point and waits for its ready line (`{"event": ...}`) on stdout. */
export async function spawnReady(
  sup: Supervisor,
  name: string,
  entry: string,
  env: NodeJS.ProcessEnv,
  event: string,
): Promise<{ proc: Supervised; line: Record<string, unknown> }> {
  const proc = sup.spawn(name, process.execPath, ['--import', 'tsx', entry], {
    env: { ...process.env, ...env, NODE_ENV: 'production' },
    cwd: process.cwd(),
    pipeStdout: true,
  });
  const line = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new StackError(`${name} did not start within 30s (log: ${proc.logPath})`)), 30_000);
    const lines = createInterface({ input: proc.child.stdout! });
    lines.on('line', (text) => {
      try {
        const msg = JSON.parse(text) as Record<string, unknown>;
        if (msg.event === event) {
          clearTimeout(timer);
          resolve(msg);
        }
      } catch {
        /* not a control line */
      }
    });
    void proc.exited.then((code) => {
      clearTimeout(timer);
      reject(new StackError(`${name} exited with code ${code} while starting (log: ${proc.logPath})`));
    });
  });
  return { proc, line };
}

const appEnv = (config: AppConfig): NodeJS.ProcessEnv => ({ TIERBENCH_APP: JSON.stringify(config) });

/** Starts the photo app and its fan-out workers, each as its own process. */
export async function startApp(sup: Supervisor, launch: AppLaunch, workers = 2): Promise<AppProcess> {
  const config: AppConfig = { ...APP_DEFAULTS, ...launch, host: '127.0.0.1', port: 0 };
  const [app, ...ws] = await Promise.all([
    spawnReady(sup, 'app', SERVER, appEnv(config), 'listening'),
    ...Array.from({ length: workers }, (_, i) => spawnReady(sup, `worker-${i + 1}`, WORKER, appEnv(config), 'worker-ready')),
  ]);
  return {
    baseUrl: `http://127.0.0.1:${Number(app!.line.port)}`,
    pid: app!.proc.pid,
    workers: ws.map((w) => w.proc),
  };
}

/** Starts one more fan-out worker (tests replace a killed one). */
export async function startWorker(sup: Supervisor, launch: AppLaunch, name: string): Promise<Supervised> {
  const config: AppConfig = { ...APP_DEFAULTS, ...launch, host: '127.0.0.1', port: 0 };
  return (await spawnReady(sup, name, WORKER, appEnv(config), 'worker-ready')).proc;
}
