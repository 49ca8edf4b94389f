/**
 * The bench's wide case (bench/wide: 22 columns, tinyint..bigint, doubles, codes, ~3 % nulls
 * in six columns, `Z` timestamps, a date) run as a strict job; the committed Parquet read
 * back and compared, column by column, with DuckDB's own read of the CSV (types detected
 * by DuckDB, not told): row count, null count, exact sum, min and max, and the types.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { REPO, tempDir } from '../helpers/fixtures.js';
import { CSV_READER_MANIFEST, parquetFiles } from '../helpers/job.js';
import { runCli } from '../helpers/run-cli.js';

// More than two row groups (131,072 rows each), so both encoder files and many batches are seen.
const ROWS = 300_000;
const sql = (s: string) => `'${s.replaceAll("'", "''")}'`;

/**
 * DuckDB's view of `csv` and of `parquet`: each loaded once into a table, then per column
 * count(*), nulls, exact sum (doubles to cents), min and max, as text; and the types.
 */
async function profiles(csv: string, parquet: string[]) {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    await conn.run(`CREATE TABLE c AS SELECT * FROM read_csv(${sql(csv)})`);
    await conn.run(`CREATE TABLE p AS SELECT * FROM read_parquet([${parquet.map(sql).join(', ')}])`);
    const types = async (t: string) =>
      (await conn.runAndReadAll(`DESCRIBE ${t}`)).getRowObjectsJS().map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
    const csvColumns = await types('c');
    const profile = async (t: string) => {
      const parts = csvColumns.flatMap(({ name, type }) => {
        const c = `"${name}"`;
        const sum = type === 'DOUBLE' ? `sum(CAST(round(${c} * 100) AS HUGEINT))` : /INT/.test(type) ? `sum(${c})` : 'NULL';
        // Timestamps compare as instants (epoch microseconds), whatever zone a reader attaches.
        const v = /TIMESTAMP/.test(type) ? `epoch_us(${c})` : c;
        return [`count(*)`, `count(*) - count(${c})`, sum, `min(${v})`, `max(${v})`];
      });
      const row = (await conn.runAndReadAll(`SELECT ${parts.join(', ')} FROM ${t}`)).getRows()[0]!.map(String);
      return Object.fromEntries(csvColumns.map(({ name }, i) => [name, row.slice(5 * i, 5 * i + 5)]));
    };
    return { csvColumns, parquetTypes: Object.fromEntries((await types('p')).map((c) => [c.name, c.type])), want: await profile('c'), got: await profile('p') };
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

describe('wide CSV (bench case) to Parquet, compared with DuckDB', () => {
  it('writes every column as DuckDB reads it: counts, nulls, sums, min/max, types', async () => {
    const dir = tempDir('dativo-wide-');
    const csv = join(dir, 'data', 'trips.csv');
    mkdirSync(join(dir, 'data'));
    execFileSync(process.execPath, [join(REPO, 'bench/wide/generate-wide.mjs'), '--rows', String(ROWS), '--out', csv]);
    copyFileSync(join(REPO, 'bench/wide/wide.odcs.yaml'), join(dir, 'trips.odcs.yaml'));
    const job = join(dir, 'job.yaml');
    writeFileSync(
      job,
      [
        'tenant_id: acme',
        'source_connector: csv',
        'target_connector: local',
        'asset_path: trips.odcs.yaml',
        `source: { plugin: ${CSV_READER_MANIFEST}, files: [data/trips.csv], objects: [trips] }`,
        'target: { connection: { local: { path: out } }, compression: snappy }',
        'state: { path: state }',
      ].join('\n'),
    );
    const r = runCli(['run', job, '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).records).toBe(ROWS);
    const files = parquetFiles(join(dir, 'out'));
    expect(files.length).toBeGreaterThan(1);

    const { csvColumns, parquetTypes, want, got } = await profiles(csv, files);
    expect(csvColumns).toHaveLength(22);
    // The contract's types, as DuckDB sees them in the Parquet files.
    expect(parquetTypes).toMatchObject({
      trip_id: 'BIGINT', vendor_id: 'INTEGER', passenger_count: 'INTEGER', pu_location: 'INTEGER',
      trip_distance: 'DOUBLE', payment_type: 'VARCHAR', service_date: 'DATE',
      pickup_at: 'TIMESTAMP WITH TIME ZONE', device_id: 'BIGINT',
    });
    // Nulls really are there (~3 % of six columns), so the comparison covers them.
    expect(Number(want.passenger_count![1])).toBeGreaterThan(ROWS * 0.02);
    expect(got).toEqual(want);
  }, 180_000);
});
