/**
 * Number and text formatting shared by the HTML, Markdown and terminal renderers.
 * Formatting only rounds for display; it never makes a figure up. Missing values show as "n/a".
 */

export const NA = 'n/a';

const intFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** Integer with thousands separators: 12345 -> "12,345". */
export function fmtInt(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return NA;
  return intFormat.format(n);
}

/** Plain number with at most `digits` decimals, trailing zeros dropped: 581.10 -> "581.1". */
export function fmtNum(n: number | null | undefined, digits = 1): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return NA;
  return String(Number(n.toFixed(digits)));
}

/**
 * Microseconds as milliseconds, rounded to about three significant figures but never coarser
 * than whole milliseconds: 2441 -> "2.44", 60319 -> "60.3", 229247 -> "229", 1234567 -> "1,235".
 */
export function fmtMs(us: number | null | undefined): string {
  if (us === null || us === undefined || !Number.isFinite(us)) return NA;
  const ms = us / 1000;
  const abs = Math.abs(ms);
  if (abs < 1) return ms.toFixed(3);
  if (abs < 10) return ms.toFixed(2);
  if (abs < 100) return ms.toFixed(1);
  return intFormat.format(Math.round(ms));
}

/** A 0..1 fraction as a percentage: 0.9147 -> "91.5%". */
export function fmtPct(fraction: number | null | undefined, digits = 1): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return NA;
  return `${(fraction * 100).toFixed(digits)}%`;
}

/** Bytes in binary units: 25769803776 -> "24.0 GiB". */
export function fmtBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return NA;
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(1)} ${units[u]}`;
}

/** Seconds with up to 2 decimals: 19.4 -> "19.4 s". */
export function fmtSeconds(s: number | null | undefined): string {
  if (s === null || s === undefined || !Number.isFinite(s)) return NA;
  return `${fmtNum(s, 2)} s`;
}

/** Request rate: 581.1 -> "581.1/s". */
export function fmtRate(r: number | null | undefined): string {
  if (r === null || r === undefined || !Number.isFinite(r)) return NA;
  return `${fmtNum(r, 1)}/s`;
}

/** Escape text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * Escape text for Markdown inline content and table cells: emphasis, code, link and table
 * punctuation is backslash-escaped, a block marker at the start (#, >, -, +, "1.") is
 * neutralised, HTML cannot open a tag, and newlines become spaces.
 */
export function escapeMd(text: string): string {
  return text
    .replace(/\r?\n|\r/g, ' ')
    .replace(/([\\`*_{}\[\]|~])/g, '\\$1')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/^(\s*)([#+-])(?=\s|$|--)/, '$1\\$2')
    .replace(/^(\s*\d+)([.)])(?=\s|$)/, '$1\\$2');
}

/** A fenced Markdown code block that no backtick run inside `text` can close early. */
export function mdCodeBlock(text: string, lang = ''): string {
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  return `${fence}${lang}\n${text}\n${fence}`;
}

/** A maximum sustainable rate: "484 [454, 494]", or "≥ 506 (no knee)" when the sweep found none above it. */
export function fmtSustainable(m: { rate: number; low: number; high: number; lowerBound?: true } | null): string {
  if (m === null) return 'held at no rate swept';
  return m.lowerBound ? `≥ ${fmtInt(m.rate)} (no knee)` : `${fmtInt(m.rate)} [${fmtInt(m.low)}, ${fmtInt(m.high)}]`;
}
