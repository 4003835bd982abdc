import { scenarios } from '../../scenarios/index.ts';
import { operationsOf } from '../../scenarios/streams.ts';
import { describeLoadShape, loadShapeOf } from '../results/load-shape.ts';
import { ExitCode } from '../errors.ts';
import type { CliIo, CommandResult } from './cli.ts';

/** `bench list`: the scenarios `bench run --scenario` takes, with what each does. */
export async function listCommand(_argv: Record<string, unknown>, io: CliIo): Promise<CommandResult> {
  const width = Math.max(...Object.keys(scenarios).map((n) => n.length));
  for (const s of Object.values(scenarios)) {
    const load = loadShapeOf(s);
    const ops = operationsOf(s).map((o) => o.name).join(', ');
    io.out(`${s.name.padEnd(width)}  ${s.description}\n${' '.repeat(width)}  ${describeLoadShape(load)}, ${load.warmupSec}s warm-up; operations: ${ops}\n`);
  }
  return ExitCode.ok;
}
