/**
 * Polls `check` until it holds, or fails naming `what` after `timeoutMs`: for state the app reaches
 * in the background (an outbox drained, a page cached), never a fixed sleep.
 */
export async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 15_000, everyMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
