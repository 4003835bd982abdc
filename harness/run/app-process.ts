import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { APP_DEFAULTS, type AppConfig } from '../../app/config.ts';
import { StackError } from '../errors.ts';
import type { Supervised, Supervisor } from '../stack/supervisor.ts';

/** The root of this checkout: its app/ is the one started unless another root is given. */
export const THIS_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The app's entry points under a root directory (a checkout, or a work tree of another version of
 * the app: `bench gate` runs two). The app of that root is started with this checkout's tsx and
 * node_modules resolution from that root (a gate's work tree links node_modules to this checkout's).
 * @throws StackError when the root has no app/server.ts or app/worker.ts
 */
export function appEntries(appRoot: string = THIS_ROOT): { root: string; server: string; worker: string } {
  const root = resolve(appRoot);
  const server = join(root, 'app', 'server.ts');
  const worker = join(root, 'app', 'worker.ts');
  const missing = [server, worker].filter((f) => !existsSync(f));
  if (missing.length) throw new StackError(`no app to start under ${root}: ${missing.join(', ')} missing`);
  return { root, server, worker };
}

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
  cwd: string = process.cwd(),
): Promise<{ proc: Supervised; line: Record<string, unknown> }> {
  const proc = sup.spawn(name, process.execPath, ['--import', 'tsx', entry], {
    env: { ...process.env, ...env, NODE_ENV: 'production' },
    cwd,
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

/**
 * Starts the photo app and its fan-out workers, each as its own process.
 * @param appRoot root directory whose app/server.ts and app/worker.ts run (default: this checkout's,
 *   started from the current directory as before); another root runs with that root as its cwd
 */
export async function startApp(sup: Supervisor, launch: AppLaunch, workers = 2, appRoot?: string): Promise<AppProcess> {
  const config: AppConfig = { ...APP_DEFAULTS, ...launch, host: '127.0.0.1', port: 0 };
  const { server, worker } = appEntries(appRoot);
  const cwd = appRoot === undefined ? process.cwd() : resolve(appRoot);
  const [app, ...ws] = await Promise.all([
    spawnReady(sup, 'app', server, appEnv(config), 'listening', cwd),
    ...Array.from({ length: workers }, (_, i) => spawnReady(sup, `worker-${i + 1}`, worker, appEnv(config), 'worker-ready', cwd)),
  ]);
  return {
    baseUrl: `http://127.0.0.1:${Number(app!.line.port)}`,
    pid: app!.proc.pid,
    workers: ws.map((w) => w.proc),
  };
}

/** Starts one more fan-out worker (tests replace a killed one). */
export async function startWorker(sup: Supervisor, launch: AppLaunch, name: string, appRoot?: string): Promise<Supervised> {
  const config: AppConfig = { ...APP_DEFAULTS, ...launch, host: '127.0.0.1', port: 0 };
  const cwd = appRoot === undefined ? process.cwd() : resolve(appRoot);
  return (await spawnReady(sup, name, appEntries(appRoot).worker, appEnv(config), 'worker-ready', cwd)).proc;
}
