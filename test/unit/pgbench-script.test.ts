import { describe, expect, it } from 'vitest';
import { pgbenchLiteralColons } from '../../harness/perf/pgbench.ts';

describe('pgbenchLiteralColons', () => {
  it("splices a literal's colons in so pgbench sees no :name, and leaves casts alone", () => {
    const sql = `SELECT to_char(t, 'HH24:MI:SS'), x::bigint, y::text FROM z`;
    const safe = pgbenchLiteralColons(sql);
    expect(safe).toBe(`SELECT to_char(t, 'HH24' || ':' || 'MI' || ':' || 'SS'), x::bigint, y::text FROM z`);
    // What pgbench would take for a variable: a colon, not after another, followed by a name.
    expect(safe.match(/(?<!:):[A-Za-z_]/g)).toBeNull();
  });

  it('changes nothing in SQL without such colons', () => {
    expect(pgbenchLiteralColons('SELECT 1::int, a[1:2] FROM t')).toBe('SELECT 1::int, a[1:2] FROM t');
  });
});
