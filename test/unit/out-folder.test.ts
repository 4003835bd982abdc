import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { prepareOutFolder } from '../../harness/config/out-folder.ts';
import { UsageError } from '../../harness/errors.ts';

const base = mkdtempSync(join(tmpdir(), 'tierbench-out-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('prepareOutFolder', () => {
  it('makes the missing folders and leaves no probe file behind', () => {
    const dir = prepareOutFolder(join(base, 'a', 'b', 'c'));
    expect(dir).toBe(join(base, 'a', 'b', 'c'));
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses a path under a file, naming the flag and why', () => {
    writeFileSync(join(base, 'file'), 'x');
    expect(() => prepareOutFolder(join(base, 'file'), '--out')).toThrow(/--out: cannot write to the folder .*file \(it is a file\)/);
    expect(() => prepareOutFolder(join(base, 'file', 'sub'))).toThrow(/ENOTDIR/);
  });

  // Node's recursive mkdirSync never returned here: this test hung before the folder was made one level at a time.
  it('refuses a folder under /proc at once', () => {
    expect(() => prepareOutFolder('/proc/tierbench-nope/x')).toThrow(UsageError);
    expect(() => prepareOutFolder('/proc/self', '--gate-out')).toThrow(/--gate-out: cannot write/);
  });
});
