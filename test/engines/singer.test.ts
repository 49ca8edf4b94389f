/**
 * A real Singer tap from PyPI (tap-spreadsheets 1.1.2, CSV files, offline) as a dativo
 * source: the committed Parquet equals what the tap emits when run alone; a rerun loads
 * only new files; a run that fails after some records saves no state.
 */
import { existsSync, readFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planJob } from '../../host/src/pipeline/plan.js';
import { runJob } from '../../host/src/pipeline/run-job.js';
import { readRows } from '../helpers/job.js';
import { runCli } from '../helpers/run-cli.js';
import { engineWorkspace, plain, runAlone, spreadsheetsTap, stdoutAlone, type EngineWorkspace } from './connectors.js';

const PROPERTIES = [
  { name: 'id', logicalType: 'integer', physicalType: 'bigint', required: true },
  { name: 'name', logicalType: 'string' },
  { name: 'amount', logicalType: 'number', physicalType: 'double', required: true },
  { name: 'day', logicalType: 'string' },
];

const csv = (from: number, to: number, bad?: number) => {
  const rows = ['id,name,amount,day'];
  for (let i = from; i <= to; i++) rows.push(`${i},name ${i},${i === bad ? 'not-a-number' : (i * 0.25).toFixed(2)},2024-01-${String((i % 28) + 1).padStart(2, '0')}`);
  return `${rows.join('\n')}\n`;
};

/** Writes a CSV with a given mtime (the tap's bookmark is the file's mtime, in seconds). */
function put(ws: EngineWorkspace, name: string, text: string, mtimeSec: number): void {
  const f = ws.write(`data/${name}`, text);
  utimesSync(f, mtimeSec, mtimeSec);
}

function tapConfig(ws: EngineWorkspace) {
  return {
    files: [{
      path: join(ws.dir, 'data', '*.csv'), format: 'csv', table_name: 'orders', primary_keys: ['id'],
      schema_overrides: { id: { type: ['integer'] }, amount: { type: ['number', 'null'] } },
    }],
  };
}

function singerJob(ws: EngineWorkspace, engineConfig: Record<string, unknown> = {}) {
  return ws.writeJob({
    source: {
      engine_config: { command: [spreadsheetsTap()], ...engineConfig },
      config: tapConfig(ws),
      incremental: { strategy: 'cursor', cursor_field: '_sdc_last_modified' },
    },
    extra_columns: 'drop',
  });
}

const NOW = Math.floor(Date.now() / 1000);
const committedState = (ws: EngineWorkspace) => {
  const f = join(ws.dir, 'state', 'acme', 'singer-test', 'orders.json');
  return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as { checkpoint: string; runId: string }) : undefined;
};
const rowsOf = (ws: EngineWorkspace) => readRows(ws.out).map((r) => plain(r)).sort((a, b) => (a.id as number) - (b.id as number));

describe('singer engine: tap-spreadsheets', () => {
  it('full run: the committed Parquet is what the tap emits alone, in several batches', async () => {
    const ws = engineWorkspace('singer', 'orders', PROPERTIES);
    put(ws, 'a.csv', csv(1, 2500), NOW - 300);
    put(ws, 'b.csv', csv(2501, 4000), NOW - 200);
    singerJob(ws, { batch_rows: 1000 });
    // The reference: the tap run alone on the same files.
    ws.write('ref/config.json', JSON.stringify(tapConfig(ws)));
    ws.write('ref/catalog.json', stdoutAlone([spreadsheetsTap(), '--config', 'config.json', '--discover'], join(ws.dir, 'ref')));
    const emitted = runAlone([spreadsheetsTap(), '--config', 'config.json', '--catalog', 'catalog.json'], join(ws.dir, 'ref'))
      .filter((m) => m.type === 'RECORD')
      .map((m) => m.record as Record<string, unknown>);
    expect(emitted).toHaveLength(4000);

    const summary = await runJob(ws.job);
    expect(summary.records).toBe(4000);
    expect(summary.streams[0]!.batches).toBeGreaterThanOrEqual(4);
    const expected = emitted.map((r) => ({ id: r.id, name: r.name, amount: r.amount, day: r.day })).sort((a, b) => (a.id as number) - (b.id as number));
    expect(rowsOf(ws)).toEqual(expected);
    expect(summary.notes.join('\n')).toMatch(/singer:tap-spreadsheets runs as a subprocess OUTSIDE the WebAssembly sandbox/);
    expect(JSON.parse(committedState(ws)!.checkpoint)).toMatchObject({ bookmarks: { orders: { replication_key: '_sdc_last_modified' } } });
  }, 300_000);

  it('incremental: a rerun loads only the new file; a run failing after some records saves no state', async () => {
    const ws = engineWorkspace('singer', 'orders', PROPERTIES);
    put(ws, 'a.csv', csv(1, 300), NOW - 300);
    singerJob(ws, { batch_rows: 10 });
    expect((await runJob(ws.job)).records).toBe(300);
    const first = committedState(ws)!;

    // A new file whose row 150 the contract refuses (the tap sends its amount as null):
    // the rows before it are read and written
    // in batches (with the tap's states), then the run fails. Nothing is committed.
    put(ws, 'b.csv', csv(301, 600, 450), NOW - 200);
    const err = await runJob(ws.job).then(() => undefined, (e: { code: string }) => e);
    expect(err?.code).toBe('DATA_VALIDATION_FAILED');
    expect(committedState(ws)).toEqual(first);
    expect(rowsOf(ws)).toHaveLength(300);

    put(ws, 'b.csv', csv(301, 600), NOW - 100);
    const again = await runJob(ws.job);
    expect(again.records).toBe(300);
    const ids = rowsOf(ws).map((r) => r.id);
    expect(ids).toEqual(Array.from({ length: 600 }, (_, i) => i + 1));
    expect(committedState(ws)!.runId).toBe(again.runId);

    // Nothing new: nothing loaded (the tap skips files at or before its bookmark).
    expect((await runJob(ws.job)).records).toBe(0);
    expect(rowsOf(ws)).toHaveLength(600);
  }, 300_000);

  it('check and discover run the tap; check says it runs outside the sandbox', () => {
    const ws = engineWorkspace('singer', 'orders', PROPERTIES);
    put(ws, 'a.csv', csv(1, 3), NOW - 300);
    singerJob(ws);
    const check = runCli(['check', ws.job]);
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
    expect(check.stdout).toMatch(/sandbox: none: singer:tap-spreadsheets runs as a subprocess outside the WebAssembly sandbox/);
    const discover = runCli(['discover', ws.job, '--json']);
    expect(discover.status).toBe(0);
    const offered = JSON.parse(discover.stdout).streams[0].offered;
    expect(offered[0]).toMatchObject({ name: 'orders', primaryKey: ['id'], cursorFields: ['_sdc_last_modified'], supportsIncremental: true });
  }, 300_000);

  it('the registry decides: an engine the connector does not list, or the cloud, is refused before anything runs', () => {
    const ws = engineWorkspace('singer', 'orders', PROPERTIES);
    // A recipe that would run csv on the singer engine: csv lists only wasm.
    ws.write('csv-on-singer.yaml', 'name: csv\ntype: csv\nengine: singer\n');
    ws.writeJob({ source_connector: 'csv', source_connector_path: 'csv-on-singer.yaml', source: { engine_config: { command: [spreadsheetsTap()] } } });
    expect(() => planJob(ws.job)).toThrow(expect.objectContaining({ code: 'CONFIG_ENGINE_NOT_ALLOWED', message: expect.stringMatching(/connector "csv" may not run on the singer engine .*the registry allows wasm/) }));
    singerJob(ws);
    expect(planJob(ws.job).source.engine?.name).toBe('singer:tap-spreadsheets');
    ws.writeJob({ environment: 'cloud', source: { engine_config: { command: [spreadsheetsTap()] } } });
    expect(() => planJob(ws.job)).toThrow(expect.objectContaining({ code: 'CONFIG_CONNECTOR_NOT_ALLOWED' }));
  }, 300_000);
});
