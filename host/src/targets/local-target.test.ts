import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalTarget } from './local-target.js';
import type { CommitRecord } from './target.js';

const scope = { tenant: 't', job: 'j' };
const record = (runId: string, files: CommitRecord['files']): CommitRecord => ({ ...scope, runId, startedAt: '', files, checkpoints: { s: '{"n":1}' } });
const R1 = '20261201T100000Z-000001';
const R2 = '20261201T100000Z-000002';
const R3 = '20261201T100000Z-000003';
const R4 = '20261201T100000Z-000004';

async function stage(target: LocalTarget, runId: string) {
  const staging = await target.beginRun(runId, scope);
  const f = await staging.createFile('s', 'part-00000.parquet');
  await f.write(new TextEncoder().encode('data'));
  await f.close();
  return { staging, file: f };
}

describe('LocalTarget', () => {
  it('shows nothing before commit, everything after, and records the commit', async () => {
    const root = mkdtempSync(join(tmpdir(), 'target-'));
    const target = new LocalTarget(root);
    const { staging, file } = await stage(target, R1);
    expect(existsSync(join(root, 's'))).toBe(false);
    const applied: string[] = [];
    await staging.commit(record(R1, [{ stream: 's', path: file.path, rows: 1, bytes: 4 }]), async (r) => void applied.push(r.runId));
    expect(readFileSync(join(root, 's', `run_id=${R1}`, 'part-00000.parquet'), 'utf8')).toBe('data');
    expect(applied).toEqual([R1]);
    expect((await target.commits()).map((c) => c.runId)).toEqual([R1]);
  });
  it('abort leaves nothing', async () => {
    const root = mkdtempSync(join(tmpdir(), 'target-'));
    const target = new LocalTarget(root);
    const { staging } = await stage(target, R2);
    expect(await staging.abort()).toBe('discarded');
    expect(readdirSync(root).filter((n) => n !== '_dativo')).toEqual([]);
    expect(readdirSync(join(root, '_dativo', 'staging'))).toEqual([]);
  });
  it('recover discards runs that never reached the commit point', async () => {
    const root = mkdtempSync(join(tmpdir(), 'target-'));
    const target = new LocalTarget(root);
    await stage(target, R3);
    expect(await target.recover(scope, async () => {})).toEqual([]);
    expect(readdirSync(join(root, '_dativo', 'staging'))).toEqual([]);
    expect(existsSync(join(root, 's'))).toBe(false);
  });
  it('a run that fails past its commit point is kept for recover, which finishes it', async () => {
    const root = mkdtempSync(join(tmpdir(), 'target-'));
    const target = new LocalTarget(root);
    const { staging, file } = await stage(target, R4);
    const rec = record(R4, [{ stream: 's', path: file.path, rows: 1, bytes: 4 }]);
    await expect(staging.commit(rec, async () => { throw new Error('state store down'); })).rejects.toThrow('state store down');
    expect(await staging.abort()).toBe('kept');
    const applied: string[] = [];
    expect((await target.recover(scope, async (r) => void applied.push(r.runId))).map((r) => r.runId)).toEqual([R4]);
    expect(applied).toEqual([R4]);
    expect(readFileSync(join(root, 's', `run_id=${R4}`, 'part-00000.parquet'), 'utf8')).toBe('data');
  });
});
