import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { which } from '../../harness/stack/system-packages.ts';

export interface PageCheck {
  consoleErrors: string[];
  pageErrors: string[];
  /** Requests to anything but file: and data: (the report must open offline). */
  outside: string[];
  images: ImageCheck[];
  title: string;
  bodyText: string;
}

export interface ImageCheck {
  alt: string;
  complete: boolean;
  naturalWidth: number;
  /** Distinct colours as the browser decoded the image (4 bits per channel), and the share of non-white pixels. */
  colours: number;
  inked: number;
}

/** Decodes every image into a canvas inside the page and counts what was drawn. */
function inspectImages(imgs: HTMLImageElement[]) {
  return imgs.map((img) => {
    let colours = 0;
    let inked = 0;
    if (img.complete && img.naturalWidth > 0) {
      const canvas = document.createElement('canvas');
      canvas.width = img.naturalWidth;
      canvas.height = img.naturalHeight;
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      const seen = new Set<number>();
      let ink = 0;
      for (let i = 0; i < data.length; i += 4) {
        seen.add(((data[i]! >> 4) << 8) | ((data[i + 1]! >> 4) << 4) | (data[i + 2]! >> 4));
        if (data[i]! < 235 || data[i + 1]! < 235 || data[i + 2]! < 235) ink++;
      }
      colours = seen.size;
      inked = ink / (canvas.width * canvas.height);
    }
    return { alt: img.alt, complete: img.complete, naturalWidth: img.naturalWidth, colours, inked };
  });
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
    const images = await page.$$eval('img', inspectImages);
    // The viewport only: a full-page screenshot of a long report takes Chromium minutes.
    if (screenshotPath) await page.screenshot({ path: screenshotPath });
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
  for (const img of seen.images) {
    expect(img.complete && img.naturalWidth > 0, `image "${img.alt}" is broken`).toBe(true);
    expect(isDrawn(img), `image "${img.alt}" is blank (${img.colours} colours, ${(img.inked * 100).toFixed(2)}% inked)`).toBe(true);
  }
}

/** A chart, not a blank or single-colour image: several colours and some ink. */
export function isDrawn(img: ImageCheck): boolean {
  return img.colours >= 8 && img.inked > 0.01;
}
