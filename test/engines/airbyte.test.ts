/**
 * A real Airbyte source from PyPI (airbyte-source-faker 7.2.1, seed 42, offline) as a
 * dativo source: the committed Parquet equals what the source emits when run alone; the
 * rerun hands back the committed state and loads nothing already loaded.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planJob } from '../../host/src/pipeline/plan.js';
import { runJob } from '../../host/src/pipeline/run-job.js';
import { readRows } from '../helpers/job.js';
import { runCli } from '../helpers/run-cli.js';
import { connectorVenv, engineWorkspace, fakerSource, plain, runAlone } from './connectors.js';

const PROPERTIES = [
  { name: 'id', logicalType: 'integer', physicalType: 'bigint', required: true },
  { name: 'name', logicalType: 'string' },
  { name: 'email', logicalType: 'string' },
  { name: 'age', logicalType: 'integer', physicalType: 'bigint' },
  { name: 'height', logicalType: 'string' },
  { name: 'created_at', logicalType: 'date', physicalType: 'timestamp' },
  { name: 'updated_at', logicalType: 'date', physicalType: 'timestamp' },
];
const CONFIG = { count: 2500, seed: 42, always_updated: false, parallelism: 1, records_per_slice: 1000 };

function fakerJob(config: Record<string, unknown> = CONFIG) {
  const ws = engineWorkspace('airbyte', 'users', PROPERTIES);
  ws.writeJob({
    source: { engine_config: { package: 'airbyte-source-faker', executable: 'source-faker', batch_rows: 1000 }, config, incremental: { strategy: 'cursor', cursor_field: 'updated_at' } },
    extra_columns: 'drop',
  });
  return ws;
}

const state = (dir: string) => {
  const f = join(dir, 'state', 'acme', 'airbyte-test', 'users.json');
  return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as { checkpoint: string }) : undefined;
};

// Each faker call starts Python and imports the CDK (2-10 s on a busy 2-core machine).
describe('airbyte engine: source-faker', () => {
  it('full run equals the source run alone; the rerun resumes from the committed state and loads nothing twice', async () => {
    const ws = fakerJob();
    // The reference: the source alone, with the same configured catalog (incremental, no state).
    ws.write('ref/config.json', JSON.stringify(CONFIG));
    const catalog = runAlone([fakerSource(), 'discover', '--config', 'config.json'], join(ws.dir, 'ref')).find((m) => m.type === 'CATALOG')!.catalog as { streams: { name: string }[] };
    const users = catalog.streams.find((s) => s.name === 'users')!;
    ws.write('ref/catalog.json', JSON.stringify({ streams: [{ stream: users, sync_mode: 'incremental', destination_sync_mode: 'append', cursor_field: ['updated_at'] }] }));
    const emitted = runAlone([fakerSource(), 'read', '--config', 'config.json', '--catalog', 'catalog.json'], join(ws.dir, 'ref'))
      .filter((m) => m.type === 'RECORD')
      .map((m) => (m.record as { data: Record<string, unknown> }).data);
    expect(emitted).toHaveLength(2500);

    const summary = await runJob(ws.job);
    expect(summary.records).toBe(2500);
    expect(summary.streams[0]!.batches).toBeGreaterThanOrEqual(3);
    const rows = readRows(ws.out).map((r) => plain(r, ['created_at', 'updated_at'])).sort((a, b) => (a.id as number) - (b.id as number));
    // updated_at is the sync's clock (faker stamps each run): compared as a timestamp, not a value.
    const without = ({ updated_at: _u, ...r }: Record<string, unknown>) => r;
    const iso = (s: unknown) => new Date(String(s)).toISOString();
    expect(rows.map(without)).toEqual(emitted.map((e) => ({ id: e.id, name: e.name, email: e.email, age: e.age, height: e.height, created_at: iso(e.created_at) })));
    expect(rows.every((r) => !Number.isNaN(Date.parse(String(r.updated_at))))).toBe(true);
    const checkpoint = JSON.parse(state(ws.dir)!.checkpoint) as { type: string; stream: { stream_state: Record<string, unknown> } }[];
    expect(checkpoint).toMatchObject([{ type: 'STREAM', stream: { stream_descriptor: { name: 'users' }, stream_state: { seed: 42, loop_offset: 2500 } } }]);

    // The rerun gets the state back (without it faker would send all 2,500 again).
    const again = await runJob(ws.job);
    expect(again.records).toBe(0);
    expect(readRows(ws.out)).toHaveLength(2500);
  }, 300_000);

  it('spec, check and discover go through the source', () => {
    const ws = fakerJob();
    const check = runCli(['check', ws.job]);
    expect(check.status, check.stderr).toBe(0);
    expect(check.stdout).toMatch(/sandbox: none: airbyte:airbyte-source-faker runs as a subprocess outside the WebAssembly sandbox/);
    const spec = JSON.parse(runCli(['spec', ws.job, '--json']).stdout) as { configSchema: { properties: Record<string, unknown> } };
    expect(Object.keys(spec.configSchema.properties)).toEqual(expect.arrayContaining(['count', 'seed', 'always_updated']));
    const discover = JSON.parse(runCli(['discover', ws.job, '--json']).stdout) as { streams: { offered: { name: string; supportsIncremental: boolean; cursorFields: string[] }[] }[] };
    expect(discover.streams[0]!.offered.map((s) => s.name).sort()).toEqual(['products', 'purchases', 'users']);
    expect(discover.streams[0]!.offered.find((s) => s.name === 'users')).toMatchObject({ supportsIncremental: true, cursorFields: ['updated_at'] });
  }, 300_000);

  it('engines install keeps the venv CI made (same layout); a package not installed is refused at planning', () => {
    const r = runCli(['engines', 'install', 'airbyte', 'airbyte-source-faker==7.2.1']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(`already installed: airbyte airbyte-source-faker==7.2.1 in ${connectorVenv('airbyte', 'airbyte-source-faker', '7.2.1')}\n`);
    const ws = fakerJob();
    ws.writeJob({ source: { engine_config: { package: 'airbyte-source-nothing-here' }, config: {} } });
    expect(() => planJob(ws.job)).toThrow(expect.objectContaining({ code: 'ENGINE_NOT_INSTALLED', message: expect.stringMatching(/dativo-host engines install airbyte airbyte-source-nothing-here/) }));
  }, 300_000);
});
