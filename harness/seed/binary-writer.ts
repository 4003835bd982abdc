/**
 * PostgreSQL's binary COPY format, written straight into Buffers: ids go in as 8 bytes rather than
 * as decimal text PostgreSQL would parse back, timestamps as microseconds, text as UTF-8. The
 * seeder's CPU went mostly into making and encoding text; this is what replaced it.
 */

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
/** Microseconds between the Unix epoch and PostgreSQL's (2000-01-01). */
const PG_EPOCH_MS = 946_684_800_000;
const CHUNK = 1 << 20;
const TWO_POW_32 = 4294967296;

export class BinaryRows {
  private buf = Buffer.allocUnsafe(CHUNK + 65536);
  private off = 0;
  private readonly done: Buffer[] = [];

  constructor() {
    SIGNATURE.copy(this.buf, 0);
    this.buf.writeInt32BE(0, SIGNATURE.length); // flags
    this.buf.writeInt32BE(0, SIGNATURE.length + 4); // header extension length
    this.off = SIGNATURE.length + 8;
  }

  /** Starts a row of `fields` columns; a row must fit in 64 KiB of slack (ours are far smaller). */
  row(fields: number): this {
    if (this.off >= CHUNK) this.cut();
    this.off = this.buf.writeInt16BE(fields, this.off);
    return this;
  }

  /** A bigint given as its two 32-bit halves (from IdBytes): no BigInt arithmetic per row. */
  int8Parts(hi: number, lo: number): this {
    const b = this.buf;
    let o = this.off;
    b[o] = 0;
    b[o + 1] = 0;
    b[o + 2] = 0;
    b[o + 3] = 8;
    b[o + 4] = hi >>> 24;
    b[o + 5] = hi >>> 16;
    b[o + 6] = hi >>> 8;
    b[o + 7] = hi;
    b[o + 8] = lo >>> 24;
    b[o + 9] = lo >>> 16;
    b[o + 10] = lo >>> 8;
    b[o + 11] = lo;
    this.off = o + 12;
    return this;
  }

  int4(v: number): this {
    this.off = this.buf.writeInt32BE(4, this.off);
    this.off = this.buf.writeInt32BE(v, this.off);
    return this;
  }

  /** timestamptz from Unix milliseconds. */
  timestamp(ms: number): this {
    const us = (ms - PG_EPOCH_MS) * 1000;
    const hi = Math.floor(us / TWO_POW_32);
    this.off = this.buf.writeInt32BE(8, this.off);
    this.off = this.buf.writeInt32BE(hi, this.off);
    this.off = this.buf.writeUInt32BE(us - hi * TWO_POW_32, this.off);
    return this;
  }

  /** Text already encoded (pools are encoded once). */
  bytes(b: Buffer): this {
    this.ensure(b.length + 4);
    this.off = this.buf.writeInt32BE(b.length, this.off);
    // TypedArray#set: no trip into the C++ binding per row, which Buffer#copy takes.
    this.buf.set(b, this.off);
    this.off += b.length;
    return this;
  }

  /** Text with only ASCII characters (ids, user names, object keys), written by hand: short strings cost more through Buffer#write. */
  ascii(s: string): this {
    this.ensure(s.length + 4);
    const b = this.buf;
    const n = s.length;
    this.off = b.writeInt32BE(n, this.off);
    for (let i = 0; i < n; i++) b[this.off + i] = s.charCodeAt(i);
    this.off += n;
    return this;
  }

  text(s: string): this {
    for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 127) return this.utf8(s);
    return this.ascii(s);
  }

  private utf8(s: string): this {
    this.ensure(s.length * 3 + 4);
    const n = this.buf.write(s, this.off + 4, 'utf8');
    this.off = this.buf.writeInt32BE(n, this.off) + n;
    return this;
  }

  /** jsonb's binary input: a version byte, then the JSON text. */
  jsonb(json: string): this {
    this.ensure(json.length * 3 + 5);
    const b = this.buf;
    const at = this.off;
    b[at + 4] = 1;
    let n = json.length;
    let ascii = true;
    for (let i = 0; i < n && ascii; i++) ascii = json.charCodeAt(i) < 128;
    if (ascii) for (let i = 0; i < n; i++) b[at + 5 + i] = json.charCodeAt(i);
    else n = b.write(json, at + 5, 'utf8');
    b.writeInt32BE(n + 1, at);
    this.off = at + 5 + n;
    return this;
  }

  /** Whether full buffers wait to be taken. */
  get ready(): boolean {
    return this.done.length > 0;
  }

  /** Buffers filled so far (handed over; the writer keeps going). */
  take(): Buffer[] {
    return this.done.splice(0);
  }

  /** The trailer, and every buffer not yet taken. */
  end(): Buffer[] {
    this.ensure(2);
    this.off = this.buf.writeInt16BE(-1, this.off);
    this.cut();
    return this.take();
  }

  private ensure(n: number): void {
    if (this.off + n > this.buf.length) {
      this.cut();
      if (n > this.buf.length) this.buf = Buffer.allocUnsafe(n);
    }
  }

  private cut(): void {
    if (this.off > 0) this.done.push(this.buf.subarray(0, this.off));
    this.buf = Buffer.allocUnsafe(CHUNK + 65536);
    this.off = 0;
  }
}
