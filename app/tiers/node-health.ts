import { isPgUnreachable, type PgPool } from '../adapters/postgres.ts';

/** How long a node that failed is left alone before requests try it again. */
const NODE_RETRY_MS = 1_000;

/**
 * Whether a PostgreSQL node is answering, as its own connections say: a connection that fails
 * (refused, reset, the server shutting down or starting up) marks it down for NODE_RETRY_MS, and
 * so does an idle connection the server drops (isPgUnreachable). A live server's refusal under
 * load (out of memory or connections, a cancelled statement) does not: the node is up, only busy.
 * After that, requests try it again: the first that succeeds finds it back; one that fails marks
 * it down again (a probe that costs a refused connection).
 */
export class NodeHealth {
  #downUntil = 0;
  constructor(readonly label: string, pool: PgPool) {
    // pg-pool reports an idle client's error here: the server went away (shut down, killed).
    pool.on('error', (err) => {
      if (isPgUnreachable(err)) this.markDown();
    });
  }

  /** Down: requests should not go there now. */
  get down(): boolean {
    return this.#downUntil > Date.now();
  }

  markDown(): void {
    this.#downUntil = Date.now() + NODE_RETRY_MS;
  }

  /** Counts an error of the node's: true (and marked down) when it says the node is unreachable. */
  failed(err: unknown): boolean {
    if (!isPgUnreachable(err)) return false;
    this.markDown();
    return true;
  }
}
