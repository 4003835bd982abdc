/**
 * Opens a written report in headless Chromium from a file:// URL (offline) and checks that it
 * loads cleanly: no console errors, no page errors, every chart image decoded.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeReport } from '../../harness/report/write.ts';
import { buildResultsFixture } from '../fixtures/results-fixture.ts';
import { expectCleanReport, openReport } from '../helpers/browser.ts';

describe('report in a real browser', () => {
  let dir: string | undefined;
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('loads offline with no console errors and no broken images', async () => {
    dir = await mkdtemp(join(tmpdir(), 'tierbench-report-'));
    const results = buildResultsFixture({ command: 'bench run --note "<script>alert(1)</script>"' });
    const paths = await writeReport(results, dir);
    expect(paths.html).toBe(join(dir, 'index.html'));
    expect(existsSync(paths.markdown)).toBe(true);

    const seen = await openReport(paths.html);
    expectCleanReport(seen, expect);
    expect(seen.title).toContain(results.run.id);
    expect(seen.bodyText).toContain('UNCONSTRAINED');
    // The escaped command is shown as text, not run.
    expect(seen.bodyText).toContain('<script>alert(1)</script>');
  }, 60_000);

  it('notices a broken image (the check can fail)', async () => {
    dir ??= await mkdtemp(join(tmpdir(), 'tierbench-report-'));
    const results = buildResultsFixture({});
    const paths = await writeReport(results, dir);
    const { readFileSync, writeFileSync } = await import('node:fs');
    writeFileSync(paths.html, readFileSync(paths.html, 'utf8').replace(/data:image\/png;base64,[A-Za-z0-9+/]{40}/, 'data:image/png;base64,AAAA'));
    const seen = await openReport(paths.html);
    expect(seen.images.some((img) => !(img.complete && img.naturalWidth > 0))).toBe(true);
  }, 60_000);
});
