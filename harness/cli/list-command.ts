import { scenarios } from '../../scenarios/index.ts';
import type { Executor } from '../../scenarios/types.ts';
import { ExitCode } from '../errors.ts';
import type { CliIo, CommandResult } from './cli.ts';

function loadOf(e: Executor): string {
  const shape = e.kind === 'closed-loop' ? `closed loop, ${e.connections} connections` : `${e.rate} req/s`;
  return `${shape}, ${e.warmupSec}s warm-up, ${e.durationSec}s measured`;
}

/** `bench list`: the scenarios `bench run --scenario` takes, with what each does. */
export async function listCommand(_argv: Record<string, unknown>, io: CliIo): Promise<CommandResult> {
  const width = Math.max(...Object.keys(scenarios).map((n) => n.length));
  for (const s of Object.values(scenarios)) {
    io.out(`${s.name.padEnd(width)}  ${s.description}\n${' '.repeat(width)}  ${loadOf(s.executor)}; operations: ${s.operations.map((o) => o.name).join(', ')}\n`);
  }
  return ExitCode.ok;
}
