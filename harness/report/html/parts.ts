/**
 * HTML building blocks of the report pages: tables whose cells say where in results.json their
 * value comes from (a tooltip), key-value lists, badges that carry words (never colour alone),
 * warning notes and figures with inline images.
 */
import type { ChartImages, FigureSpec } from '../charts/figure.ts';
import { escapeHtml as e } from '../format.ts';
import type { Warning } from '../warnings.ts';

export interface Column<T> {
  head: string;
  num?: boolean;
  wrap?: boolean;
  /** Cell text (escaped). */
  cell: (row: T) => string;
  /** Cell markup instead of text (already safe). */
  html?: (row: T) => string;
  /** Where the value comes from in results.json, shown as the cell's tooltip. */
  src?: (row: T) => string | null;
}

function cellHtml<T>(c: Column<T>, r: T): string {
  const cls = c.num ? ' class="n"' : c.wrap ? ' class="wrap"' : '';
  const src = c.src?.(r);
  const title = src ? ` title="${e(src)}"` : '';
  return `<td${cls}${title}>${c.html ? c.html(r) : e(c.cell(r))}</td>`;
}

/** A table; `groups` adds a header row spanning columns (label, span). */
export function table<T>(columns: Column<T>[], rows: T[], opts: { rowClass?: (row: T) => string | undefined; groups?: Array<[string, number]>; caption?: string } = {}): string {
  const groupRow = opts.groups ? `<tr>${opts.groups.map(([label, span]) => `<th colspan="${span}" class="${label ? 'group' : ''}">${e(label)}</th>`).join('')}</tr>` : '';
  const head = columns.map((c) => `<th${c.num ? ' class="n"' : ''}>${e(c.head)}</th>`).join('');
  const body = rows
    .map((r) => {
      const cls = opts.rowClass?.(r);
      return `<tr${cls ? ` class="${e(cls)}"` : ''}>${columns.map((c) => cellHtml(c, r)).join('')}</tr>`;
    })
    .join('\n');
  const caption = opts.caption ? `<caption>${e(opts.caption)}</caption>` : '';
  return `<div class="scroll"><table>${caption}<thead>${groupRow}<tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

/** A definition list; values are escaped unless `raw`. */
export function kv(pairs: Array<[string, string]>, raw = false): string {
  return `<dl class="kv">${pairs.map(([k, v]) => `<dt>${e(k)}</dt><dd>${raw ? v : e(v)}</dd>`).join('')}</dl>`;
}

export function badge(ok: boolean, okText: string, badText: string): string {
  return ok ? `<span class="badge ok">✓ ${e(okText)}</span>` : `<span class="badge bad">✗ ${e(badText)}</span>`;
}

/** Warnings as notes: a symbol and the word "Warning", then the sentence. */
export function warningNotes(warnings: readonly Warning[]): string {
  return warnings.map((w) => `<p class="warning" role="note"><strong>⚠ Warning:</strong> ${e(w.text)}</p>`).join('\n');
}

/**
 * Hands out each warning once, at the first place that asks for its topic: a warning sits beside
 * the first figure or table it concerns, not repeated at every one.
 */
export class WarningPlacer {
  readonly #left: Warning[];
  constructor(warnings: readonly Warning[]) {
    this.#left = [...warnings];
  }
  take(topics: readonly string[]): Warning[] {
    const taken = this.#left.filter((w) => topics.includes(w.topic));
    for (const w of taken) this.#left.splice(this.#left.indexOf(w), 1);
    return taken;
  }
  rest(): Warning[] {
    return this.#left.splice(0);
  }
}

/** A figure with its inline image, alt text and caption; empty when the image was not rendered. */
export function figure(spec: FigureSpec, images: ChartImages, notes = ''): string {
  const img = images.get(spec.key);
  if (!img) return notes;
  const src = `data:${img.mime};base64,${img.data.toString('base64')}`;
  return `${notes}<figure id="${e(spec.key.replace(/[^A-Za-z0-9_-]/g, '-'))}"><img src="${src}" width="${img.width}" height="${img.height}" alt="${e(spec.alt)}">
<figcaption>${e(spec.caption)}</figcaption></figure>`;
}
