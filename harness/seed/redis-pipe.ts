import { connect } from 'node:net';

/**
 * Redis mass insertion (what `redis-cli --pipe` does): commands written as raw RESP down one
 * socket as fast as the server reads them, replies only counted, errors collected. Every command
 * sent here must answer with a one-line reply (+OK, :n, -ERR), which SET, MSET and ZADD do.
 */
export class RedisPipe {
  private buf = '';
  private sent = 0;
  private replies = 0;
  private readonly errors: string[] = [];
  private partial = '';
  private waiter: (() => void) | null = null;
  private failure: Error | null = null;
  private readonly socket;

  private constructor(url: string) {
    const u = new URL(url);
    this.socket = connect({ host: u.hostname, port: Number(u.port || 6379) });
    this.socket.setEncoding('latin1');
    this.socket.on('data', (data: string) => {
      const text = this.partial + data;
      let from = 0;
      for (let i = text.indexOf('\r\n'); i >= 0; i = text.indexOf('\r\n', from)) {
        if (text.charCodeAt(from) === 45 /* - */ && this.errors.length < 5) this.errors.push(text.slice(from, i));
        this.replies++;
        from = i + 2;
      }
      this.partial = text.slice(from);
      this.wake();
    });
    this.socket.on('error', (err) => {
      this.failure = err;
      this.wake();
    });
    this.socket.on('close', () => {
      this.failure ??= new Error('redis closed the connection');
      this.wake();
    });
  }

  static async open(url: string): Promise<RedisPipe> {
    const pipe = new RedisPipe(url);
    await new Promise<void>((resolve, reject) => {
      pipe.socket.once('connect', resolve);
      pipe.socket.once('error', reject);
    });
    return pipe;
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  /** Queues one command (ASCII arguments); flushes every ~1 MiB, waiting when the socket is full. */
  async command(args: readonly (string | number)[]): Promise<void> {
    await this.raw(`*${args.length}\r\n${args.map(resp).join('')}`);
  }

  /** Queues one command already encoded as RESP (see `resp`). */
  async raw(encoded: string): Promise<void> {
    this.buf += encoded;
    this.sent++;
    if (this.buf.length >= 1 << 20) await this.flush();
  }

  /** Sends `count` commands already encoded as RESP bytes (after whatever is queued). */
  async bytes(encoded: Buffer, count: number): Promise<void> {
    await this.flush();
    this.sent += count;
    if (!this.socket.write(encoded)) await new Promise<void>((resolve) => this.socket.once('drain', resolve));
  }

  private async flush(): Promise<void> {
    if (this.failure) throw this.failure;
    const data = this.buf;
    this.buf = '';
    if (data && !this.socket.write(data, 'latin1')) await new Promise<void>((resolve) => this.socket.once('drain', resolve));
  }

  /** Sends what is queued and waits until every command has answered; throws on any error reply. */
  async finish(): Promise<number> {
    await this.flush();
    while (this.replies < this.sent) {
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
    this.socket.end();
    if (this.errors.length) throw new Error(`redis refused ${this.errors.length === 5 ? 'at least 5' : this.errors.length} commands: ${this.errors.join('; ')}`);
    return this.sent;
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** One RESP bulk string (ASCII). */
export const resp = (a: string | number): string => {
  const t = String(a);
  return `$${t.length}\r\n${t}\r\n`;
};
