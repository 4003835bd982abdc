import { describe, expect, it } from 'vitest';
import { runCli, type CliIo } from '../../harness/cli/cli.ts';
import { scenarios } from '../../scenarios/index.ts';

/** The CLI in process: argument errors exit 2 with one line saying what is accepted, no stack trace. */
async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => void (out += t), err: (t) => void (err += t) };
  const code = await runCli(args, io);
  return { code, out, err };
}

describe('bench CLI input validation (in process)', () => {
  const cases: Array<[string[], RegExp]> = [
    [['run', '--rate', '-5'], /--rate: -5 is out of range; accepted: a number from 1 to 100000/],
    [['run', '--duration', 'abc'], /--duration: "abc" is not a duration; accepted:/],
    [['run', '--tier', 'nope'], /--tier: "nope" is not one of: cache/],
    [['run', '--bogus', '1'], /Unknown argument: bogus/],
    [['run', '--rate'], /Not enough arguments following: rate/],
    [['run', '--config', '/nonexistent/tierbench.json'], /--config: file "\/nonexistent\/tierbench.json" does not exist/],
    // Read to its end, /dev/zero never ended: bench run hung here.
    [['run', '--config', '/dev/zero'], /--config: "\/dev\/zero" is not a regular file/],
    [['run', '--tier', 'cache', '--snapshots', '/proc/tierbench-nope'], /--snapshots: cannot write to the folder \/proc\/tierbench-nope/],
    [['stack', 'sideways'], /Invalid values/],
    [['stack', 'up', '--pg-shards', '40'], /--pg-shards: 40 is out of range; accepted: an integer from 1 to 16/],
    [['fly'], /Unknown argument: fly/],
    [[], /name a command: run, list, stack, report, compare or gate/],
  ];
  for (const [args, message] of cases) {
    it(`bench ${args.join(' ')} exits 2 with one line saying what is accepted`, async () => {
      const { code, err } = await cli(...args);
      expect(code).toBe(2);
      const lines = err.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(message);
      expect(err).not.toMatch(/\n\s+at /);
    });
  }

  it('rejects a scenario file with every problem listed, one line each, before anything starts (exit 2)', async () => {
    const { code, err } = await cli('run', '--scenario-file', 'test/fixtures/scenarios/many-errors.json');
    expect(code).toBe(2);
    const lines = err.trim().split('\n');
    expect(lines[0]).toMatch(/^bench: --scenario-file test\/fixtures\/scenarios\/many-errors.json: \d+ problems:$/);
    expect(lines.length).toBeGreaterThan(10);
    expect(err).toContain('bench: colour: unknown key');
    expect(err).not.toMatch(/\n\s+at /);
  });

  it('refuses load flags a scenario cannot take, naming the scenario (exit 2)', async () => {
    const { code, err } = await cli('run', '--scenario', 'like-storm', '--rate', '100');
    expect(code).toBe(2);
    expect(err).toMatch(/like-storm: scenario "like-storm" has 2 streams: --rate does not apply/);
    expect(err).toMatch(/pick scenarios with --scenario; these have one load shape the flags can set: .*photo-reads/);
  });

  it('reports every bad value of one command together, one line each', async () => {
    const { code, err } = await cli('run', '--rate', '0', '--duration', 'soon', '--tier', 'moon');
    expect(code).toBe(2);
    const lines = err.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(err).toMatch(/--rate/);
    expect(err).toMatch(/--duration/);
    expect(err).toMatch(/--tier/);
  });

  it('lists the scenarios with their descriptions', async () => {
    const { code, out } = await cli('list');
    expect(code).toBe(0);
    for (const s of Object.values(scenarios)) {
      expect(out).toContain(s.name);
      expect(out).toContain(s.description);
    }
  });

  it('documents every flag in --help and exits 0', async () => {
    const { code, out } = await cli('run', '--help');
    expect(code).toBe(0);
    for (const flag of ['--tier', '--stack', '--scenario', '--profile', '--seed', '--scenario-seed', '--rate', '--duration', '--warmup', '--connections', '--max-in-flight', '--logical-shards', '--cache-ttl', '--out', '--config'])
      expect(out).toContain(flag);
    expect(out.match(/Exit codes: 0 ok/g)).toHaveLength(1);
  });

  it('says the exit codes once in every command\'s --help', async () => {
    for (const command of ['run', 'stack', 'list', 'report', 'compare', 'gate']) {
      const { code, out } = await cli(command, '--help');
      expect(code, command).toBe(0);
      expect(out.match(/Exit codes: 0/g), command).toHaveLength(1);
    }
  });
});
