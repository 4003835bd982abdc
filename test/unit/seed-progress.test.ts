import { describe, expect, it } from 'vitest';
import { progressPrinter } from '../../harness/seed/progress.ts';
import { checkResources, estimateNeeds } from '../../harness/seed/resources.ts';
import { profiles } from '../../harness/seed/profiles.ts';

describe('seed progress', () => {
  it('redraws one bar line with rows per second on a terminal', () => {
    const written: string[] = [];
    const p = progressPrinter({ isTTY: true, write: (s) => written.push(s) }, () => {});
    p.phase('copy', 1000, 'rows');
    p.rows('copy', 1000);
    p.end();
    const last = written.filter((w) => w.startsWith('\r')).at(-1)!;
    expect(last).toMatch(/\[#{24}\] copy\s+100%\s+1000\/1000 rows\s+\S+ rows\/s/);
    expect(written.at(-1)).toBe('\n');
  });

  it('prints plain lines (no carriage returns) when not on a terminal', () => {
    const lines: string[] = [];
    const written: string[] = [];
    const p = progressPrinter({ isTTY: false, write: (s) => written.push(s) }, (l) => lines.push(l));
    p.phase('feeds', 10, 'feeds');
    p.rows('feeds', 10);
    p.end();
    expect(written).toEqual([]);
    expect(lines.at(-1)).toMatch(/feeds\s+100%\s+10\/10 feeds/);
  });
});

describe('resource precheck', () => {
  const needs = estimateNeeds(profiles.small!, 1, 0);

  it('passes when the machine has room, saying how much it needs', () => {
    const lines: string[] = [];
    checkResources(needs, ['/tmp'], (l) => lines.push(l), { disk: needs.diskBytes * 2, memory: needs.memoryBytes * 2 });
    expect(lines[0]).toMatch(/^room for small/);
  });

  it('fails before loading with the numbers when disk or memory is short', () => {
    expect(() => checkResources(needs, ['/data'], () => {}, { disk: 2 ** 30, memory: needs.memoryBytes * 2 })).toThrow(/disk: needs ~\d+\.\d GiB, 1\.0 GiB free under \/data/);
    expect(() => checkResources(needs, ['/data'], () => {}, { disk: needs.diskBytes * 2, memory: 2 ** 29 })).toThrow(/memory: needs ~\d+\.\d GiB, 0\.5 GiB available/);
  });

  it('scales with the profile and the copies a tier keeps', () => {
    expect(estimateNeeds(profiles['1m']!, 1, 0).diskBytes).toBeGreaterThan(5 * needs.diskBytes);
    expect(estimateNeeds(profiles.small!, 1, 2).diskBytes).toBeGreaterThan(needs.diskBytes);
  });
});
