import { randomBytes } from 'node:crypto';

/** Sortable and unique: 20261125-201502-cache-photo-reads-3f9a. */
export function makeRunId(tier: string, scenario: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${tier}-${scenario}-${randomBytes(2).toString('hex')}`;
}
