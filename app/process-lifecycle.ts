/**
 * How the app's processes end: on SIGTERM/SIGINT, or when the harness that owns them goes away
 * (their stdin closes), they close cleanly, and exit anyway after `graceMs`.
 */
export function stopOnSignals(close: () => Promise<unknown>, graceMs: number): void {
  let closing = false;
  const stop = () => {
    if (closing) return;
    closing = true;
    setTimeout(() => process.exit(0), graceMs).unref();
    void close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop);
  process.stdin.resume();
}

/** Startup failures: one line on stderr, exit 1 (the harness shows the log's last lines). */
export function failStartup(what: string): (err: unknown) => never {
  return (err) => {
    process.stderr.write(`${what} failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  };
}
