import { execFileSync } from 'node:child_process';
import { cpus, release, totalmem, type } from 'node:os';
import type { ResultsFile } from '../results/types.ts';
import type { Stack } from '../stack/types.ts';

export function gitSha(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || null;
  } catch {
    return null;
  }
}

export function describeEnvironment(stack: Stack): ResultsFile['environment'] {
  const servers: Record<string, string> = {};
  for (const n of stack.nodes) servers[n.name] = n.version;
  return {
    cores: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryBytes: totalmem(),
    os: `${type()} ${release()}`,
    node: process.version,
    stackProvider: stack.provider,
    servers,
    capacityModel: stack.capacity,
  };
}
