/**
 * Streams read only their own files, and every file's columns are checked against the
 * contract before its rows are accepted: end to end, from job YAML to the committed
 * Parquet read back.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, writeManifest } from '../helpers/fixtures.js';
import { readRows } from '../helpers/job.js';
import { runCli } from '../helpers/run-cli.js';
import { flightsCsv, workspace } from './workspace.js';

const FLIGHTS: [number, string, number | ''][] = [
  [1, 'LH', 5.5],
  [2, 'AF', ''],
  [3, 'BA', -1],
];
const byId = (rows: Record<string, unknown>[]) => rows.sort((a, b) => Number(a.flight_id) - Number(b.flight_id));
const run = (job: string, ...args: string[]) => {
  const r = runCli(['run', job, '--json', ...args]);
  return { ...r, json: r.stdout.trim() ? (JSON.parse(r.stdout) as Record<string, any>) : undefined };
};

describe('streams and their files', () => {
  it('each stream reads its own files only; the committed rows equal each file', () => {
    const ws = workspace();
    ws.write('data/flights/f1.csv', flightsCsv('flight_id,carrier,delay', FLIGHTS.slice(0, 2)));
    ws.write('data/flights/f2.csv', flightsCsv('flight_id,carrier,delay', FLIGHTS.slice(2)));
    ws.write('data/airports/airports.csv', 'code,city\nFRA,Frankfurt\nCDG,Paris\n');
    ws.writeJob({
      source: {
        objects: [
          { name: 'flights', files: ['data/flights/f*.csv'] },
          { name: 'airports', files: ['data/airports/airports.csv'] },
        ],
      },
    });
    const r = run(ws.job);
    expect(r.status, r.stderr).toBe(0);
    expect(r.json!.streams.map((s: any) => [s.stream, s.records])).toEqual([['flights', 3], ['airports', 2]]);
    expect(byId(readRows(join(ws.out, 'flights')))).toEqual(FLIGHTS.map(([flight_id, carrier, delay]) => ({ flight_id: BigInt(flight_id), carrier, delay: delay === '' ? null : delay })));
    expect(readRows(join(ws.out, 'airports'))).toEqual([{ code: 'FRA', city: 'Frankfurt' }, { code: 'CDG', city: 'Paris' }]);

    const d = runCli(['discover', ws.job, '--json']);
    expect(d.status, d.stderr).toBe(0);
    const mapping = JSON.parse(d.stdout).streams.map((s: any) => [s.stream, s.files]);
    expect(mapping).toEqual([
      ['flights', [join(ws.dir, 'data/flights/f1.csv'), join(ws.dir, 'data/flights/f2.csv')]],
      ['airports', [join(ws.dir, 'data/airports/airports.csv')]],
    ]);
  });

  it('a job whose streams share one files list is refused before anything runs (exit 2)', () => {
    const ws = workspace();
    ws.write('data/flights.csv', flightsCsv('flight_id,carrier,delay', FLIGHTS));
    ws.write('data/airports.csv', 'code,city\nFRA,Frankfurt\n');
    ws.writeJob({ source: { objects: ['flights', 'airports'], files: ['data/flights.csv', 'data/airports.csv'] } });
    const r = run(ws.job);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/source\.files: 2 streams \(flights, airports\) would all read the same files/);
    expect(readRows(ws.out)).toEqual([]);
  });
});

describe('schema conformance, per file, before any row is accepted', () => {
  const setup = (header: string, rows = FLIGHTS, extra: Record<string, unknown> = {}) => {
    const ws = workspace();
    ws.write('data/good.csv', flightsCsv('flight_id,carrier,delay', rows.slice(0, 1)));
    const bad = ws.write('data/bad.csv', flightsCsv(header, rows.slice(1)));
    ws.writeJob({ source: { objects: [{ name: 'flights', files: ['data/good.csv', 'data/bad.csv'] }] }, ...extra });
    return { ws, bad };
  };

  it.each([
    ['a missing required column', 'flight_id,delay', 'carrier', /column "carrier" is missing \(contract expects Utf8 \(required\); found missing\)/],
    ['a missing optional column', 'flight_id,carrier', 'delay', /column "delay" is missing \(contract expects Float64; found missing\)/],
    ['an extra column', 'flight_id,carrier,delay,gate', 'gate', /column "gate" is not in the contract/],
    ['a re-cased column', 'flight_id,Carrier,delay', 'carrier', /column "Carrier" differs in case/],
  ])('strict: %s fails the run naming stream, file and column; nothing is committed', (_what, header, column, message) => {
    const rows: [number, string, number | ''][] = header.split(',').length === 2 ? FLIGHTS : FLIGHTS;
    const { ws, bad } = setup(header, rows);
    if (!header.includes('delay')) ws.write('data/bad.csv', `${header}\n2,AF\n3,BA\n`);
    if (header === 'flight_id,delay') ws.write('data/bad.csv', `${header}\n2,1.5\n3,2.5\n`);
    if (header.endsWith(',gate')) ws.write('data/bad.csv', `${header}\n2,AF,1,G1\n3,BA,2,G2\n`);
    const r = run(ws.job);
    expect(r.status).toBe(1);
    expect(r.json!.error.code).toBe('SCHEMA_MISMATCH');
    expect(r.json!.error.message).toContain(`stream "flights", ${bad}`);
    expect(r.json!.error.message).toMatch(message);
    expect(r.json!.error.details.column).toBe(column);
    expect(readRows(ws.out)).toEqual([]);
  });

  it('warn: a missing optional column is reported once for its file, counted, and its values are null', () => {
    const ws = workspace();
    ws.write('data/a.csv', flightsCsv('flight_id,carrier,delay', FLIGHTS.slice(0, 1)));
    const b = ws.write('data/b.csv', 'flight_id,carrier\n2,AF\n3,BA\n4,KL\n');
    ws.writeJob({ schema_validation_mode: 'warn', source: { objects: [{ name: 'flights', files: ['data/*.csv'], }], config: { batch_rows: 1 } } });
    const r = run(ws.job);
    expect(r.status, r.stderr).toBe(0);
    const s = r.json!.streams[0];
    // Three batches of b.csv, one difference.
    expect(s.schemaDifferenceCount).toBe(1);
    expect(s.schemaDifferences).toEqual([{ stream: 'flights', source: b, column: 'delay', kind: 'missing-optional', expected: 'Float64', actual: 'missing', action: 'null' }]);
    expect(byId(readRows(ws.out)).map((x) => [Number(x.flight_id), x.carrier, x.delay])).toEqual([[1, 'LH', 5.5], [2, 'AF', null], [3, 'BA', null], [4, 'KL', null]]);
  });

  it('warn: a re-cased column is read as the contract column and reported', () => {
    const ws = workspace();
    const b = ws.write('data/b.csv', 'FLIGHT_ID,carrier,delay\n7,AF,1.25\n');
    ws.writeJob({ schema_validation_mode: 'warn', source: { objects: [{ name: 'flights', files: ['data/b.csv'] }] } });
    const r = run(ws.job);
    expect(r.status, r.stderr).toBe(0);
    expect(r.json!.streams[0].schemaDifferences.map((d: any) => [d.source, d.column, d.kind, d.actual, d.action])).toEqual([[b, 'flight_id', 're-cased', 'FLIGHT_ID', 'renamed']]);
    expect(readRows(ws.out)).toEqual([{ flight_id: 7n, carrier: 'AF', delay: 1.25 }]);
  });

  it('warn: a missing required column makes its rows invalid (counted), the file reported once', () => {
    const ws = workspace();
    ws.write('data/b.csv', 'flight_id,delay\n2,1.5\n3,2.5\n');
    ws.writeJob({ schema_validation_mode: 'warn', source: { objects: [{ name: 'flights', files: ['data/b.csv'] }] } });
    const r = run(ws.job);
    expect(r.status, r.stderr).toBe(0);
    expect(r.json!.streams[0].invalidRecords).toBe(2);
    expect(r.json!.streams[0].schemaDifferences.map((d: any) => [d.column, d.kind])).toEqual([['carrier', 'missing-required']]);
    expect(readRows(ws.out).map((x) => x.carrier)).toEqual([null, null]);
  });

  it.each([
    ['drop', 'warn', undefined, []],
    ['keep', 'warn', 'keep', ['G1', 'G2']],
    ['drop in strict mode when set', 'strict', 'drop', []],
  ])('extra_columns %s: the extra column is %s and reported once', (_what, mode, setting, gates) => {
    const ws = workspace();
    ws.write('data/b.csv', 'flight_id,carrier,delay,gate\n2,AF,1,G1\n3,BA,2,G2\n');
    ws.writeJob({ schema_validation_mode: mode, ...(setting ? { extra_columns: setting } : {}), source: { objects: [{ name: 'flights', files: ['data/b.csv'] }] } });
    const r = run(ws.job);
    expect(r.status, r.stderr).toBe(0);
    expect(r.json!.streams[0].schemaDifferences.map((d: any) => [d.column, d.kind, d.action])).toEqual([['gate', 'extra', setting === 'keep' ? 'kept' : 'dropped']]);
    const rows = byId(readRows(ws.out));
    expect(rows.map((x) => [Number(x.flight_id), x.carrier])).toEqual([[2, 'AF'], [3, 'BA']]);
    expect(rows.map((x) => x.gate).filter((g) => g !== undefined)).toEqual(gates);
  });

  it('warn: extra_columns error still fails the run', () => {
    const ws = workspace();
    ws.write('data/b.csv', 'flight_id,carrier,delay,gate\n2,AF,1,G1\n');
    ws.writeJob({ schema_validation_mode: 'warn', extra_columns: 'error', source: { objects: [{ name: 'flights', files: ['data/b.csv'] }] } });
    const r = run(ws.job);
    expect(r.status).toBe(1);
    expect(r.json!.error.code).toBe('SCHEMA_MISMATCH');
  });

  it('strict: a value that cannot be cast names the file and its line', () => {
    const ws = workspace();
    const b = ws.write('data/b.csv', 'flight_id,carrier,delay\n1,AF,1\n2,BA,2\n3,KL,x\n');
    ws.writeJob({ source: { objects: [{ name: 'flights', files: ['data/b.csv'] }] } });
    const r = run(ws.job);
    expect(r.status).toBe(1);
    expect(`${r.json!.error.message}`).toContain(b);
    expect(`${r.json!.error.message}`).toMatch(/line 4/);
  });
});

describe('JSON Lines keys against the contract', () => {
  // The probe emits {"n": i}: against a contract naming `delay` and `carrier` only, `n` is an
  // extra key (a key the contract names and a record lacks is null: JSON Lines is sparse).
  const jsonJob = (extra: Record<string, unknown>) => {
    const ws = workspace();
    const probe = writeManifest(fixture('rust', 'probe-reader'), { name: 'json-source' });
    ws.writeJob({ source: { plugin: probe, objects: ['airports'], config: { action: 'emit', count: 5, batch_rows: 2 } }, ...extra });
    return ws;
  };

  it('strict: a key the contract does not name fails the run (SCHEMA_MISMATCH)', () => {
    const ws = jsonJob({});
    const r = run(ws.job);
    expect(r.status).toBe(1);
    expect(r.json!.error.code).toBe('SCHEMA_MISMATCH');
    expect(r.json!.error.details).toMatchObject({ column: 'n', kind: 'extra' });
  });

  it('warn: dropped and reported once; the rows are committed with the contract columns only', () => {
    const ws = jsonJob({ schema_validation_mode: 'warn' });
    const r = run(ws.job);
    expect(r.status, r.stderr).toBe(0);
    expect(r.json!.streams[0].schemaDifferenceCount).toBe(1);
    const rows = readRows(ws.out);
    expect(rows).toHaveLength(5);
    expect(Object.keys(rows[0]!).sort()).toEqual(['city', 'code']);
  });
});
