/**
 * Seeding progress as events; how they are shown is the listener's business (a redrawn bar on a
 * terminal, a plain line every few seconds in a log, nothing in tests).
 */
export interface SeedProgress {
  /** A phase begins: `total` units of work (rows, feeds, shards) are expected. */
  phase(name: string, total: number, unit: string): void;
  /** `n` units of the named phase are done. */
  rows(name: string, n: number): void;
  /** Bytes sent to a server, for the throughput figure. */
  bytes(n: number): void;
  /** The current phase is over. */
  end(): void;
}

export const silentProgress: SeedProgress = { phase() {}, rows() {}, bytes() {}, end() {} };

const si = (n: number): string => (n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e4 ? `${Math.round(n / 1e3)}k` : String(Math.round(n)));

interface PhaseState {
  name: string;
  unit: string;
  total: number;
  done: number;
  bytes: number;
  started: number;
  lastLine: number;
}

/** Draws a bar with rows per second on a TTY (redrawn in place), or prints a line every 5 s otherwise. */
export function progressPrinter(stream: { isTTY?: boolean; write(s: string): unknown }, log: (line: string) => void): SeedProgress {
  const tty = stream.isTTY === true;
  let p: PhaseState | null = null;
  let lastDraw = 0;
  const describe = (s: PhaseState): string => {
    const secs = Math.max(1e-3, (performance.now() - s.started) / 1000);
    const pct = s.total > 0 ? Math.min(100, (100 * s.done) / s.total) : 100;
    const mb = s.bytes > 0 ? `  ${(s.bytes / secs / 2 ** 20).toFixed(0)} MiB/s` : '';
    return `${s.name.padEnd(8)} ${pct.toFixed(0).padStart(3)}%  ${si(s.done)}/${si(s.total)} ${s.unit}  ${si(s.done / secs)} ${s.unit}/s${mb}  ${secs.toFixed(0)}s`;
  };
  const draw = (force: boolean): void => {
    if (!p) return;
    const now = performance.now();
    if (tty) {
      if (!force && now - lastDraw < 100) return;
      lastDraw = now;
      const width = 24;
      const filled = p.total > 0 ? Math.round((width * Math.min(p.done, p.total)) / p.total) : width;
      stream.write(`\r\x1b[K  [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${describe(p)}`);
    } else if (force || now - p.lastLine >= 5000) {
      p.lastLine = now;
      log(`  ${describe(p)}`);
    }
  };
  return {
    phase(name, total, unit) {
      this.end();
      p = { name, unit, total, done: 0, bytes: 0, started: performance.now(), lastLine: performance.now() };
      draw(true);
    },
    rows(name, n) {
      if (p?.name !== name) return;
      p.done += n;
      draw(false);
    },
    bytes(n) {
      if (p) p.bytes += n;
    },
    end() {
      if (!p) return;
      draw(true);
      if (tty) stream.write('\n');
      p = null;
    },
  };
}
