// DuckDB's CSV -> Parquet, the reference the csv-parquet bench compares against. Run in its
// own process (under GNU time) so that its peak RSS is measured apart from the host's:
//   node bench/duckdb-copy.mjs <csv> <out.parquet> [threads=2] [compression=snappy] [columns-json]
// columns-json: [[name, kind], ...] as bench/python's scripts take it: read_csv gets these
// types (columns=) instead of detecting them.
// Prints {"rows":N,"seconds":S} (S: the COPY alone, without Node start and DuckDB load).
import { DuckDBInstance } from '@duckdb/node-api';

const [csv, out, threads = '2', compression = 'snappy', columnsJson] = process.argv.slice(2);
if (!csv || !out) {
  console.error('usage: duckdb-copy.mjs <csv> <out.parquet> [threads] [compression]');
  process.exit(2);
}
const quote = (s) => `'${s.replaceAll("'", "''")}'`;
const DUCK = { int32: 'INTEGER', int64: 'BIGINT', float64: 'DOUBLE', string: 'VARCHAR', bool: 'BOOLEAN', date: 'DATE', timestamp: 'TIMESTAMPTZ' };
const columns = columnsJson
  ? `, header=true, columns={${JSON.parse(columnsJson).map(([n, k]) => `${quote(n)}: ${quote(DUCK[k])}`).join(', ')}}`
  : '';
const instance = await DuckDBInstance.create(':memory:');
const conn = await instance.connect();
await conn.run(`SET threads=${Number(threads)}`);
const t = performance.now();
const result = await conn.runAndReadAll(
  `COPY (SELECT * FROM read_csv(${quote(csv)}${columns})) TO ${quote(out)} (FORMAT parquet, COMPRESSION ${compression})`,
);
const seconds = (performance.now() - t) / 1000;
const rows = Number(result.getRows()[0]?.[0] ?? -1);
conn.closeSync();
instance.closeSync();
console.log(JSON.stringify({ rows, seconds }));
