/**
 * The postgres bench's server and table: a throwaway PostgreSQL (test/helpers/postgres-server.ts,
 * loopback, its own port), a SCRAM role `bench`, and `bench_rows` of `rows` rows and 11
 * columns (bigint key, int, smallint, numeric(12,2), float8, text, varchar, bool, date,
 * timestamptz, bigint; ~5 % NULLs in the nullable ones), deterministic, vacuumed and frozen
 * (so no reader pays for hint bits), then read once so every tool starts from a warm cache.
 */
import { startPostgres, type PgServer } from '../../test/helpers/postgres-server.js';

export const PG_USER = 'bench';
export const PG_PASSWORD = 'bench-pw';
export const PG_TABLE = 'bench_rows';

const SEED = (rows: number) => `
CREATE TABLE ${PG_TABLE} (
  id bigint PRIMARY KEY, customer_id integer NOT NULL, qty smallint, amount numeric(12,2),
  price double precision, label text, status varchar(16), flag boolean, d date,
  created_at timestamptz NOT NULL, seq bigint);
INSERT INTO ${PG_TABLE} SELECT g, ((g::int8 * 7919) % 100000)::int, CASE WHEN g % 20 = 0 THEN NULL ELSE (g % 500)::int2 END,
  CASE WHEN g % 19 = 0 THEN NULL ELSE ((g * 31) % 10000000) / 100.0 END, (g % 100003) / 7.0,
  CASE WHEN g % 17 = 0 THEN NULL ELSE 'item ' || (g % 50000) || ' of order ' || g END,
  (ARRAY['new', 'paid', 'shipped', 'returned'])[g % 4 + 1], CASE WHEN g % 23 = 0 THEN NULL ELSE g % 3 = 0 END,
  date '2020-01-01' + (g % 2000), timestamptz '2024-01-01 00:00:00Z' + g * interval '1.5 seconds',
  CASE WHEN g % 29 = 0 THEN NULL ELSE g::int8 * 1000003 END
  FROM generate_series(1, ${rows}) g;
VACUUM (FREEZE, ANALYZE) ${PG_TABLE};
SET password_encryption = 'scram-sha-256';
CREATE ROLE ${PG_USER} LOGIN PASSWORD '${PG_PASSWORD}';
GRANT SELECT ON ${PG_TABLE} TO ${PG_USER};`;

export async function seededServer(rows: number): Promise<PgServer> {
  const server = await startPostgres();
  try {
    for (const sql of SEED(rows).split(';\n')) await server.query(sql);
    await server.query(`SELECT count(*), sum(length(label)) FROM ${PG_TABLE}`);
    return server;
  } catch (e) {
    await server.stop();
    throw e;
  }
}
