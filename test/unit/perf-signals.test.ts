import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'tierbench-perf-signals-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const args = fileURLToPath(new URL('../../harness/perf/args.ts', import.meta.url));

/** A perf script in miniature: its main() fails once the signal stops its servers, as a real run's does. */
const script = `
import { writeFileSync } from 'node:fs';
import { failUnlessStopping, stopOnSignals } from ${JSON.stringify(args)};
const marker = process.argv[2];
stopOnSignals('perf:test', async () => { await new Promise((r) => setTimeout(r, 200)); writeFileSync(marker, 'cleaned'); });
new Promise((_, reject) => process.once('SIGTERM', () => reject(new Error('server gone')))).catch(failUnlessStopping('perf:test'));
setInterval(() => {}, 1000);
process.stdout.write('ready\\n');
`;

async function runAndSignal(sig: NodeJS.Signals): Promise<{ code: number | null; stderr: string; marker: string }> {
  const file = join(dir, `script-${sig}.ts`);
  const marker = join(dir, `cleaned-${sig}`);
  writeFileSync(file, script);
  const child = spawn(process.execPath, ['--import', 'tsx', file, marker], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  await new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve()));
  child.kill(sig);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  return { code, stderr, marker: existsSync(marker) ? readFileSync(marker, 'utf8') : '' };
}

describe('a perf script stopped by a signal', () => {
  for (const sig of ['SIGTERM', 'SIGINT'] as const)
    it(`on ${sig} runs its cleanup to the end, prints no error of the run it stopped, and exits 130`, async () => {
      const { code, stderr, marker } = await runAndSignal(sig);
      expect(marker).toBe('cleaned');
      expect(code).toBe(130);
      expect(stderr).toContain(`perf:test: ${sig}, stopping its servers`);
      expect(stderr).not.toMatch(/server gone|failed/);
    }, 20_000);
});
