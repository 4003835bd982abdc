import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readUserJson, readUserText, userFileProblem } from '../../harness/config/user-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'tierbench-user-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const problemOf = (r: { ok: boolean; problem?: string }) => (r.ok ? null : r.problem);

describe('reading a file a user named', () => {
  it('reads a regular file and parses its JSON', () => {
    const file = join(dir, 'ok.json');
    writeFileSync(file, '{"rate": 10}');
    expect(readUserJson(file)).toEqual({ ok: true, data: { rate: 10 } });
    expect(userFileProblem(file)).toBeNull();
  });

  it('says what is wrong: missing, a folder, not JSON, too large', () => {
    expect(problemOf(readUserJson(join(dir, 'missing.json')))).toMatch(/^file ".*missing\.json" does not exist$/);
    expect(problemOf(readUserJson(dir))).toMatch(/is a folder, not a file/);
    writeFileSync(join(dir, 'bad.json'), '{"rate": ');
    expect(problemOf(readUserJson(join(dir, 'bad.json')))).toMatch(/bad\.json" is not valid JSON \(/);
    writeFileSync(join(dir, 'big.json'), 'x'.repeat(2048));
    expect(problemOf(readUserText(join(dir, 'big.json'), 1024))).toMatch(/big\.json" is 0\.00 MiB; accepted: a file of at most 0\.00 MiB/);
  });

  // Read to the end, /dev/zero never ends and a FIFO without a writer blocks the open: both hung `bench run --config`.
  it('refuses a device or a pipe without reading it', () => {
    expect(problemOf(readUserJson('/dev/zero'))).toMatch(/"\/dev\/zero" is not a regular file \(a device, pipe or socket\)/);
    const fifo = join(dir, 'fifo.json');
    execFileSync('mkfifo', [fifo]);
    expect(problemOf(readUserJson(fifo))).toMatch(/is not a regular file/);
    expect(userFileProblem(fifo)).toMatch(/is not a regular file/);
  });
});
