import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DagsterPipes } from './dagster-pipes.js';
import { assetKeyFor } from './dagster-report.js';

// What dagster-pipes' encode_param gives: base64(zlib(JSON)).
const encode = (v: unknown) => deflateSync(Buffer.from(JSON.stringify(v))).toString('base64');

describe('Dagster Pipes', () => {
  it('is off without DAGSTER_PIPES_CONTEXT', () => {
    expect(DagsterPipes.open({})).toBeUndefined();
  });

  it('reads the context file and writes opened, messages and closed as JSON lines', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pipes-'));
    writeFileSync(join(dir, 'context.json'), JSON.stringify({ asset_keys: ['acme/ops/s1'], run_id: 'r-1', job_name: 'j', retry_number: 0, extras: {} }));
    const messages = join(dir, 'messages');
    const pipes = DagsterPipes.open({ DAGSTER_PIPES_CONTEXT: encode({ path: join(dir, 'context.json') }), DAGSTER_PIPES_MESSAGES: encode({ path: messages }) })!;
    expect(pipes.context.asset_keys).toEqual(['acme/ops/s1']);
    expect(pipes.context.run_id).toBe('r-1');
    pipes.log('INFO', 'hello');
    pipes.materialization('acme/ops/s1', { records: { raw_value: 3, type: 'int' } });
    pipes.close({ message: 'boom', name: 'X' });
    pipes.close(); // once only
    const lines = readFileSync(messages, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { method: string; params: Record<string, unknown> });
    expect(lines.map((l) => l.method)).toEqual(['opened', 'log', 'report_asset_materialization', 'closed']);
    expect(lines.every((l) => (l as unknown as Record<string, string>).__dagster_pipes_version === '0.1')).toBe(true);
    expect(lines[2]!.params).toEqual({ asset_key: 'acme/ops/s1', data_version: null, metadata: { records: { raw_value: 3, type: 'int' } } });
    expect(lines[3]!.params).toMatchObject({ exception: { message: 'boom', name: 'X' } });
  });

  it('refuses a context without its messages, or garbage', () => {
    expect(() => DagsterPipes.open({ DAGSTER_PIPES_CONTEXT: encode({ data: { run_id: 'r' } }) })).toThrow(/DAGSTER_PIPES_MESSAGES/);
    expect(() => DagsterPipes.open({ DAGSTER_PIPES_CONTEXT: 'not base64 zlib', DAGSTER_PIPES_MESSAGES: encode({ stdio: 'stderr' }) })).toThrow(/base64/);
  });

  it('maps a stream to its launched asset', () => {
    expect(assetKeyFor(['acme/ops/s1', 'acme/ops/s2'], 'acme', 'ops', 's2')).toBe('acme/ops/s2');
    expect(assetKeyFor(['warehouse/s1'], 'acme', 'ops', 's1')).toBe('warehouse/s1');
    expect(assetKeyFor(['a/s1', 'b/s1'], 'acme', 'ops', 's1')).toBeUndefined();
    expect(assetKeyFor(null, 'acme', 'ops', 's1')).toBeUndefined();
  });
});
