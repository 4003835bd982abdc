import { pgPing } from '../../app/adapters/postgres.ts';
import { mcPing } from '../../app/adapters/memcached.ts';
import { redisPing } from '../../app/adapters/redis.ts';
import { tierNames } from '../../app/tiers/index.ts';
import { parseChoice, parseNumberInRange } from '../config/parse.ts';
import { ExitCode, UsageError } from '../errors.ts';
import type { CliIo, CommandResult } from './cli.ts';
import { providerNames, stackProvider } from '../stack/registry.ts';
import { DEFAULT_NODE_CAPACITY } from '../stack/capacity.ts';
import { readStackState, saveStackState, stateDir, stopKeptStack } from '../stack/state.ts';
import { DEFAULT_PG_SHARDS, type StackNode } from '../stack/types.ts';

async function answers(n: StackNode): Promise<boolean> {
  if (n.role === 'redis') return redisPing(n.url);
  if (n.role === 'memcached') return mcPing(n.url);
  return pgPing(n.url);
}

/** `bench stack up|status|down`: a stack kept running between runs. */
export async function stackCommand(argv: Record<string, unknown>, io: CliIo): Promise<CommandResult> {
  const log = (line: string) => io.out(line + '\n');
  const problems: string[] = [];
  const tier = parseChoice(String(argv.tier ?? 'cache'), tierNames);
  const provider = parseChoice(String(argv.stack ?? 'local'), providerNames);
  const pgShards = parseNumberInRange(String(argv['pg-shards'] ?? DEFAULT_PG_SHARDS), 1, 16, true);
  if (!pgShards.ok) problems.push(`--pg-shards: ${pgShards.message}`);
  if (!tier.ok) problems.push(`--tier: ${tier.message}`);
  if (!provider.ok) problems.push(`--stack: ${provider.message}`);
  if (problems.length) throw new UsageError(problems.join('\n'));

  const existing = readStackState();
  switch (argv.action) {
    case 'up': {
      if (existing?.alive.every(Boolean)) {
        log(`a stack is already up (${existing.runDir}); \`bench stack down\` stops it`);
        break;
      }
      if (existing) await stopKeptStack();
      const stack = await stackProvider(String(provider.ok && provider.value)).up({ tier: String(tier.ok && tier.value), pgShards: Number(pgShards.ok && pgShards.value), capacity: DEFAULT_NODE_CAPACITY, persistent: true, log });
      saveStackState(stack);
      for (const n of stack.nodes) log(`  ${n.name.padEnd(12)} ${n.url.padEnd(48)} pid ${n.pid}`);
      log(`stack up; state in ${stateDir()}. \`bench run\` uses it; \`bench stack down\` stops it.`);
      break;
    }
    case 'status': {
      if (!existing) {
        log('no stack is kept running (`bench stack up` starts one)');
        break;
      }
      for (const n of existing.nodes) log(`  ${n.name.padEnd(12)} ${n.url.padEnd(48)} ${(await answers(n)) ? 'up' : 'DOWN'}`);
      break;
    }
    case 'down': {
      log((await stopKeptStack()) ? 'stack stopped and its data removed' : 'no stack was running');
      break;
    }
  }
  return ExitCode.ok;
}
