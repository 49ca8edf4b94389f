/**
 * csv-reader's CSV options end to end: one crafted file per option, run as a job, the
 * committed Parquet read back and compared with what DuckDB reads from the same file with
 * the same options (the oracle).
 */
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { readRows } from '../helpers/job.js';
import { runCli } from '../helpers/run-cli.js';
import { workspace, type Workspace } from '../correctness/workspace.js';

interface Flight {
  flight_id: number;
  carrier: string;
  delay: number | null;
}

const HEADER = 'flight_id,carrier,delay';
const sql = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** DuckDB's rows of `file`, typed as the contract's flights, with read_csv options `options`. */
async function duckdb(file: string, options: string): Promise<Flight[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    const columns = "columns={'flight_id':'BIGINT','carrier':'VARCHAR','delay':'DOUBLE'}";
    if (!options.includes('header=')) options += ', header=true';
    const reader = await conn.runAndReadAll(`SELECT * FROM read_csv(${sql(file)}, ${columns}, auto_detect=false${options}) ORDER BY flight_id`);
    return reader.getRowObjectsJS().map((r) => ({ flight_id: Number(r.flight_id), carrier: String(r.carrier), delay: r.delay === null ? null : Number(r.delay) }));
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** Runs the flights stream over `file` (relative to the workspace) with reader config `config`. */
function runJob(ws: Workspace, file: string, config: Record<string, unknown>) {
  ws.writeJob({ source: { objects: [{ name: 'flights', files: [file] }], config } });
  const r = runCli(['run', ws.job, '--json']);
  const rows = readRows(join(ws.out, 'flights')).map((r) => ({ flight_id: Number(r.flight_id), carrier: r.carrier as string, delay: r.delay as number | null }));
  return { ...r, rows: rows.sort((a, b) => a.flight_id - b.flight_id) };
}

/** The job's committed rows equal DuckDB's, and hold `expected`. */
async function sameAsDuckdb(text: string | Buffer, name: string, config: Record<string, unknown>, duckOptions: string, expected: Flight[]) {
  const ws = workspace();
  const file = ws.write(`data/${name}`, '');
  writeFileSync(file, text);
  const r = runJob(ws, `data/${name}`, config);
  expect(r.status, r.stderr).toBe(0);
  expect(r.rows).toEqual(await duckdb(file, duckOptions));
  expect(r.rows).toEqual(expected);
}

const F = (flight_id: number, carrier: string, delay: number | null): Flight => ({ flight_id, carrier, delay });

describe('csv-reader options, compared with DuckDB', () => {
  it('null_values: listed tokens are null in every column', async () => {
    const text = `${HEADER}\n1,LH,NA\n2,AF,\n3,BA,-1.5\n4,N/A,2\n`;
    await sameAsDuckdb(text, 'nulls.csv', { null_values: ['NA', ''] }, ", nullstr=['NA','']", [F(1, 'LH', null), F(2, 'AF', null), F(3, 'BA', -1.5), F(4, 'N/A', 2)]);
    // The default: NA in a number column is a bad value, named with its line.
    const ws = workspace();
    ws.write('data/nulls.csv', text);
    const r = runJob(ws, 'data/nulls.csv', {});
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/nulls\.csv line 2, column "delay": cannot parse value 'NA'/);
  });

  it('quote and escape', async () => {
    await sameAsDuckdb(`${HEADER}\n1,'L,H',2\n2,'it''s',3\n`, 'quote.csv', { quote: "'" }, ", quote='''', escape=''''", [F(1, 'L,H', 2), F(2, "it's", 3)]);
    await sameAsDuckdb(`${HEADER}\n1,"say \\"hi\\"",2\n2,"a\\\\b",3\n`, 'escape.csv', { escape: '\\' }, ", quote='\"', escape='\\'", [F(1, 'say "hi"', 2), F(2, 'a\\b', 3)]);
  });

  it('comment and skip_rows; a bad row after them is named by its file line', async () => {
    await sameAsDuckdb(`# exported\n${HEADER}\n1,LH,1\n# a note\n2,AF,2\n`, 'comment.csv', { comment: '#' }, ", comment='#', header=true", [F(1, 'LH', 1), F(2, 'AF', 2)]);
    await sameAsDuckdb(`report of flights\ngenerated today\n${HEADER}\n1,LH,1\n2,AF,2\n`, 'skip.csv', { skip_rows: 2 }, ', skip=2, header=true', [F(1, 'LH', 1), F(2, 'AF', 2)]);
    const ws = workspace();
    ws.write('data/bad.csv', `junk\n# c\n${HEADER}\n1,LH,1\n# c\nx,AF,2\n`);
    const r = runJob(ws, 'data/bad.csv', { skip_rows: 1, comment: '#' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/bad\.csv line 6, column "flight_id": cannot parse value 'x'/);
  });

  it('has_header: false takes the names from the contract', async () => {
    await sameAsDuckdb('1,LH,1\n2,AF,\n', 'noheader.csv', { has_header: false }, ', header=false', [F(1, 'LH', 1), F(2, 'AF', null)]);
  });

  it('a UTF-8 BOM, CRLF, quoted values with embedded newlines', async () => {
    const text = `\uFEFF${HEADER}\r\n1,"L\r\nH",1\r\n2,"A\nF",2\r\n3,BA,3\r\n`;
    await sameAsDuckdb(text, 'crlf.csv', {}, ", header=true, quote='\"', new_line='\\r\\n'", [F(1, 'L\r\nH', 1), F(2, 'A\nF', 2), F(3, 'BA', 3)]);
  });

  it('gzip and zstd files are read as streams (by extension, or named)', async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => F(i + 1, i % 7 === 0 ? 'Smith, "Jr."' : `c${i}`, i % 11 === 0 ? null : i / 4));
    const text = `${HEADER}\n${rows.map((r) => [r.flight_id, r.carrier.includes(',') ? '"Smith, ""Jr."""' : r.carrier, r.delay ?? ''].join(',')).join('\n')}\n`;
    await sameAsDuckdb(gzipSync(text), 'flights.csv.gz', {}, ", header=true, compression='gzip'", rows);
    await sameAsDuckdb(gzipSync(text), 'flights.gzip', { compression: 'gzip' }, ", header=true, compression='gzip'", rows);
    // The zstd file is written by DuckDB (Node 20 has no zstd).
    const ws = workspace();
    const plain = ws.write('plain/flights.csv', text);
    const zst = join(ws.dir, 'data', 'flights.csv.zst');
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    await conn.run(`COPY (SELECT * FROM read_csv(${sql(plain)})) TO ${sql(zst)} (FORMAT csv, HEADER, COMPRESSION zstd)`);
    conn.closeSync();
    instance.closeSync();
    const r = runJob(ws, 'data/flights.csv.zst', {});
    expect(r.status, r.stderr).toBe(0);
    expect(r.rows).toEqual(await duckdb(zst, ", header=true, compression='zstd'"));
    expect(r.rows).toEqual(rows);
  });

  it('encoding: latin1', async () => {
    const text = Buffer.from(`${HEADER}\n1,M\xFCller,1\n2,Caf\xE9,2\n`, 'latin1');
    await sameAsDuckdb(text, 'latin1.csv', { encoding: 'latin1' }, ", header=true, encoding='latin-1'", [F(1, 'Müller', 1), F(2, 'Café', 2)]);
  });

  it('an empty file is zero rows, not an error', async () => {
    for (const config of [{}, { has_header: false }]) {
      const ws = workspace();
      ws.write('data/empty.csv', '');
      const r = runJob(ws, 'data/empty.csv', config);
      expect(r.status, r.stderr).toBe(0);
      expect(r.rows).toEqual([]);
      expect(await duckdb(join(ws.dir, 'data/empty.csv'), ', header=true')).toEqual([]);
    }
  });
});
