import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadJob } from '../../config/job.js';
import { createIcebergTarget } from './create-iceberg-target.js';
import { parseTablePlan } from './table-plan.js';

const job = (extra: Record<string, unknown> = {}, target: Record<string, unknown> = {}) => {
  const dir = mkdtempSync(join(tmpdir(), 'dativo-iceberg-job-'));
  const file = join(dir, 'job.yaml');
  writeFileSync(file, stringify({
    tenant_id: 'acme', source_connector: 'csv', target_connector: 'iceberg', asset_path: 'c.yaml', source: {},
    target: { connection: { local: { path: 'wh' } }, catalog: { uri: 'http://127.0.0.1:1', namespace: 'sales.eu' }, ...target },
    ...extra,
  }));
  return loadJob(file);
};

describe('createIcebergTarget', () => {
  it('a warehouse folder as a file:// root, the namespace levels split', async () => {
    const t = await createIcebergTarget(job());
    expect(t.opts.warehouse.root).toMatch(/^file:\/\/\/.*\/wh$/);
    expect((await t.opts.settings()).namespace).toEqual(['sales', 'eu']);
  });

  it.each([
    [{ invalid_rows: 'quarantine', schema_validation_mode: 'warn' }, {}, /invalid_rows: quarantine/],
    [{ extra_columns: 'keep' }, {}, /extra_columns: keep/],
    [{}, { write_disposition: 'replace' }, /appends/],
    [{}, { partitioning: ['bucket(4, id)'] }, /neither a column nor day/],
    [{}, { catalog: undefined }, /needs its REST catalog/],
  ] as const)('refuses what it does not do: %o %o', async (extra, target, message) => {
    await expect(createIcebergTarget(job(extra, target))).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringMatching(message) });
  });

  it('a missing catalog secret names the secret and the manager, not a value', async () => {
    const t = await createIcebergTarget(job({ secrets: { manager: 'env' } }, { catalog: { uri: 'http://127.0.0.1:1', namespace: 's', token_secret: 'cat_token' } }));
    await expect(t.opts.settings()).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringMatching(/secret "cat_token" is not in the job's secret manager \(env\)/) });
  });
});

describe('table plans read back from the target folder', () => {
  const plan = {
    stream: 'orders',
    table: { namespace: ['sales'], name: 'orders' },
    schema: { type: 'struct', 'schema-id': 0, fields: [{ id: 1, name: 'id', type: 'long', required: true }] },
    spec: { 'spec-id': 0, fields: [] },
    location: 'file:///w/orders',
    contract: { id: 'c', version: '1' },
  };
  it('parses what the host wrote; refuses another stream, a path-like table name, extra keys', () => {
    expect(parseTablePlan(JSON.stringify(plan), 'x', 'orders')).toEqual(plan);
    expect(() => parseTablePlan(JSON.stringify(plan), 'x', 'other')).toThrow(/names stream orders/);
    expect(() => parseTablePlan(JSON.stringify({ ...plan, table: { namespace: ['sales'], name: '../x' } }), 'x', 'orders')).toThrow(expect.objectContaining({ code: 'ICEBERG_METADATA_INVALID' }));
    expect(() => parseTablePlan(JSON.stringify({ ...plan, more: 1 }), 'x', 'orders')).toThrow(expect.objectContaining({ code: 'ICEBERG_METADATA_INVALID' }));
    expect(() => parseTablePlan('{', 'x', 'orders')).toThrow(expect.objectContaining({ code: 'ICEBERG_METADATA_INVALID' }));
  });
});
