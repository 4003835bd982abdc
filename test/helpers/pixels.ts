/**
 * Looks inside an encoded image (PNG, WebP, ...): its size and how many distinct colours it has,
 * so a test can tell a drawn chart from a blank or single-colour image.
 */
import { createCanvas, Image } from '@napi-rs/canvas';

export interface PixelStats {
  width: number;
  height: number;
  /** Distinct RGB colours (on a 4-bit-per-channel grid, so codec noise does not count). */
  colours: number;
  /** Share of pixels that are not (near) white. */
  inked: number;
}

export function pixelStats(encoded: Buffer): PixelStats {
  const img = new Image();
  img.src = encoded;
  const canvas = createCanvas(img.width, img.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const data = ctx.getImageData(0, 0, img.width, img.height).data;
  const colours = new Set<number>();
  let inked = 0;
  for (let i = 0; i < data.length; i += 4) {
    const r = data[i]!;
    const g = data[i + 1]!;
    const b = data[i + 2]!;
    colours.add(((r >> 4) << 8) | ((g >> 4) << 4) | (b >> 4));
    if (r < 235 || g < 235 || b < 235) inked++;
  }
  return { width: img.width, height: img.height, colours: colours.size, inked: inked / (img.width * img.height) };
}

/** A chart, not a blank: several colours and some ink. */
export function looksDrawn(s: PixelStats): boolean {
  return s.colours >= 8 && s.inked > 0.01;
}
