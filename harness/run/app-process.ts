import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { AppConfig } from '../../app/config.ts';
import { StackError } from '../errors.ts';
import { stopProcess, type Supervisor } from '../stack/supervisor.ts';

const SERVER = fileURLToPath(new URL('../../app/server.ts', import.meta.url));

export interface AppProcess {
  baseUrl: string;
  pid: number;
  stop(): Promise<void>;
}

/** Starts the photo app as its own process and waits for its `listening` line. */
export async function startApp(sup: Supervisor, config: Omit<AppConfig, 'host' | 'port'>): Promise<AppProcess> {
  const full: AppConfig = { ...config, host: '127.0.0.1', port: 0 };
  const proc = sup.spawn('app', process.execPath, ['--import', 'tsx', SERVER], {
    env: { ...process.env, TIERBENCH_APP: JSON.stringify(full), NODE_ENV: 'production' },
    cwd: process.cwd(),
    pipeStdout: true,
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new StackError(`the app did not start within 30s (log: ${proc.logPath})`)), 30_000);
    const lines = createInterface({ input: proc.child.stdout! });
    lines.on('line', (line) => {
      try {
        const msg = JSON.parse(line) as { event?: string; port?: number };
        if (msg.event === 'listening' && msg.port) {
          clearTimeout(timer);
          resolve(msg.port);
        }
      } catch {
        /* not a control line */
      }
    });
    void proc.exited.then((code) => {
      clearTimeout(timer);
      reject(new StackError(`the app exited with code ${code} while starting (log: ${proc.logPath})`));
    });
  });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    pid: proc.pid,
    stop: () => stopProcess(proc, 5000),
  };
}
