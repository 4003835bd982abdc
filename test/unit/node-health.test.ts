import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { isPgUnavailable, isPgUnreachable, type PgPool } from '../../app/adapters/postgres.ts';
import { NodeHealth } from '../../app/tiers/node-health.ts';

const pgError = (code: string, message = `error ${code}`) => Object.assign(new Error(message), { code });

/** The server is gone, or going, or not yet there: the node is down. */
const unreachable = [
  ['connection refused', pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
  ['connection reset', pgError('ECONNRESET', 'read ECONNRESET')],
  ['connect timed out', pgError('ETIMEDOUT')],
  ['broken pipe', pgError('EPIPE')],
  ['host unreachable', pgError('EHOSTUNREACH')],
  ['08006 connection failure', pgError('08006')],
  ['08001 cannot establish connection', pgError('08001')],
  ['57P01 admin shutdown', pgError('57P01', 'terminating connection due to administrator command')],
  ['57P02 crash shutdown', pgError('57P02')],
  ['57P03 cannot connect now (starting up)', pgError('57P03', 'the database system is starting up')],
  ['connection terminated unexpectedly', new Error('Connection terminated unexpectedly')],
  ['client with a connection error', new Error('Client has encountered a connection error and is not queryable')],
] as const;

/** A live server refusing under load: a 503, but the node is up. */
const busy = [
  ['53200 out of memory', pgError('53200', 'out of memory')],
  ['53300 too many connections', pgError('53300', 'sorry, too many clients already')],
  ['53100 disk full', pgError('53100')],
  ['57014 statement cancelled', pgError('57014', 'canceling statement due to statement timeout')],
  ['57P05 idle session timeout', pgError('57P05')],
  ['pool wait timed out', new Error('timeout exceeded when trying to connect')],
] as const;

/** Bugs or bad input: neither. */
const other = [
  ['23505 unique violation', pgError('23505')],
  ['42P01 undefined table', pgError('42P01')],
  ['not an error', 'ECONNREFUSED'],
  ['null', null],
] as const;

describe('isPgUnreachable', () => {
  it.each(unreachable)('%s: unreachable and unavailable', (_, err) => {
    expect(isPgUnreachable(err)).toBe(true);
    expect(isPgUnavailable(err)).toBe(true);
  });

  it.each(busy)('%s: unavailable (503) but not unreachable', (_, err) => {
    expect(isPgUnreachable(err)).toBe(false);
    expect(isPgUnavailable(err)).toBe(true);
  });

  it.each(other)('%s: neither', (_, err) => {
    expect(isPgUnreachable(err)).toBe(false);
    expect(isPgUnavailable(err)).toBe(false);
  });
});

describe('NodeHealth', () => {
  const node = () => {
    const pool = new EventEmitter();
    return { pool, health: new NodeHealth('node', pool as unknown as PgPool) };
  };

  it('is marked down by an error saying the node is unreachable', () => {
    const { health } = node();
    expect(health.down).toBe(false);
    expect(health.failed(pgError('ECONNREFUSED'))).toBe(true);
    expect(health.down).toBe(true);
  });

  it.each(busy)('stays up on %s', (_, err) => {
    const { health } = node();
    expect(health.failed(err)).toBe(false);
    expect(health.down).toBe(false);
  });

  it("is marked down by an idle connection the server dropped, not by a busy server's error", () => {
    const busyNode = node();
    busyNode.pool.emit('error', pgError('53300'));
    expect(busyNode.health.down).toBe(false);
    const goneNode = node();
    goneNode.pool.emit('error', pgError('57P01'));
    expect(goneNode.health.down).toBe(true);
  });
});
