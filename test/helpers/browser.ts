import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { which } from '../../harness/stack/system-packages.ts';

export interface PageCheck {
  consoleErrors: string[];
  pageErrors: string[];
  /** Requests to anything but file: and data: (the report must open offline). */
  outside: string[];
  images: Array<{ alt: string; complete: boolean; naturalWidth: number }>;
  title: string;
  bodyText: string;
}

/** Opens a report file in headless Debian Chromium and reports what a reader's browser saw. */
export async function openReport(htmlPath: string, screenshotPath?: string): Promise<PageCheck> {
  // The suites' global setup installs it (test/setup/system-packages.ts).
  const executablePath = which('chromium');
  if (executablePath === null) throw new Error('chromium not found: install it with `apt-get install chromium` (as root, after apt-get update).');
  const browser = await chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1300, height: 900 } });
    const outside: string[] = [];
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file://') || url.startsWith('data:')) return route.continue();
      outside.push(url);
      return route.abort();
    });
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    const pageErrors: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error') consoleErrors.push(msg.text());
    });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(pathToFileURL(htmlPath).href, { waitUntil: 'load' });
    const images = await page.$$eval('img', (imgs) => imgs.map((img) => ({ alt: img.alt, complete: img.complete, naturalWidth: img.naturalWidth })));
    if (screenshotPath) await page.screenshot({ path: screenshotPath, fullPage: true });
    return { consoleErrors, pageErrors, outside, images, title: await page.title(), bodyText: await page.innerText('body') };
  } finally {
    await browser.close();
  }
}

/** What a clean offline report looks like to a reader's browser. */
export function expectCleanReport(seen: PageCheck, expect: (v: unknown, msg?: string) => { toEqual(v: unknown): void; toBe(v: unknown): void; toBeGreaterThanOrEqual(n: number): void }): void {
  expect(seen.consoleErrors).toEqual([]);
  expect(seen.pageErrors).toEqual([]);
  expect(seen.outside).toEqual([]);
  expect(seen.images.length).toBeGreaterThanOrEqual(2);
  for (const img of seen.images) expect(img.complete && img.naturalWidth > 0, `image "${img.alt}" is broken`).toBe(true);
}
