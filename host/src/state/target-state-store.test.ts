import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { newRunId } from '../pipeline/run-job.js';
import { LocalTarget } from '../targets/local-target.js';
import type { CommitRecord } from '../targets/target.js';
import { resetAudit } from './audit.js';
import { FileStateStore } from './state-store.js';
import { TargetStateStore } from './target-state-store.js';

const scope = { tenant: 'acme', job: 'orders' };
const temp = () => mkdtempSync(join(tmpdir(), 'target-state-'));
const record = (runId: string, fields: Partial<CommitRecord>): CommitRecord => ({ runId, ...scope, startedAt: new Date().toISOString(), files: [], checkpoints: {}, ...fields });

/** Commits through the protocol (files none), as a run would. */
async function commit(target: LocalTarget, fields: Partial<CommitRecord>): Promise<CommitRecord> {
  const runId = newRunId();
  return (await target.beginRun(runId, scope)).commit(record(runId, fields), async () => {});
}
const storeOf = (target: LocalTarget, fallback?: FileStateStore) => new TargetStateStore(target, { fallback, newRunId });
const checkpoint = async (store: TargetStateStore, stream = 'orders') => (await store.get(scope.tenant, scope.job, stream))?.checkpoint;

describe('state.backend target', () => {
  it('the protocol numbers a job\'s commits 1, 2, 3; the latest checkpoint of each stream wins', async () => {
    const target = new LocalTarget(temp());
    const seqs = [];
    seqs.push((await commit(target, { checkpoints: { orders: '{"c":1}', users: '{"u":1}' } })).seq);
    seqs.push((await commit(target, { checkpoints: { orders: '{"c":2}' } })).seq);
    const other = newRunId(); // another job's commits are numbered on their own
    seqs.push((await (await target.beginRun(other, { tenant: 'acme', job: 'other' })).commit(record(other, { job: 'other' }), async () => {})).seq);
    seqs.push((await commit(target, { checkpoints: { orders: '{"c":3}' } })).seq);
    expect(seqs).toEqual([1, 2, 1, 3]);
    const store = storeOf(target);
    expect(await checkpoint(store)).toBe('{"c":3}');
    expect(await checkpoint(store, 'users')).toBe('{"u":1}');
  });

  it('orders by seq, not by the clocks of the machines that committed', async () => {
    const target = new LocalTarget(temp());
    const later = record('20261201T100000Z-aaaaaa', { seq: 1, committedAt: '2026-12-01T10:05:00.000Z', checkpoints: { orders: 'first' } });
    const skewed = record('20261201T095900Z-bbbbbb', { seq: 2, committedAt: '2026-12-01T09:59:30.000Z', checkpoints: { orders: 'second' } });
    for (const r of [later, skewed]) await target.store.write(`_dativo/commits/${r.runId}.json`, JSON.stringify(r));
    expect(await checkpoint(storeOf(target))).toBe('second');
  });

  it('a manifest still pending (killed after its commit point) is committed state', async () => {
    const target = new LocalTarget(temp());
    await commit(target, { checkpoints: { orders: 'one' } });
    const killed = record(newRunId(), { seq: 2, committedAt: new Date().toISOString(), checkpoints: { orders: 'two' } });
    await target.store.write(`_dativo/pending/${killed.runId}.json`, JSON.stringify(killed));
    expect(await checkpoint(storeOf(target))).toBe('two');
  });

  it('a replace run without a checkpoint ends the older checkpoints; a reset too, and then no file state is taken', async () => {
    const target = new LocalTarget(temp());
    const files = new FileStateStore(temp());
    await files.put('acme', 'orders', 'orders', { checkpoint: 'from-file', runId: newRunId(), updatedAt: '' });
    await files.put('acme', 'orders', 'users', { checkpoint: 'users-file', runId: newRunId(), updatedAt: '' });
    await commit(target, { checkpoints: { orders: 'old', users: 'u1' } });
    await commit(target, { replaced: ['orders'] });
    expect(await checkpoint(storeOf(target, files))).toBeUndefined();
    expect(await checkpoint(storeOf(target, files), 'users')).toBe('u1');

    const store = storeOf(target, files);
    await store.reset('acme', 'orders', ['users'], resetAudit({ tenant: 'acme', job: 'orders', backend: 'target', streams: ['users'], previous: [] }));
    const after = storeOf(target, files);
    expect(await checkpoint(after, 'users')).toBeUndefined();
    expect(after.migrated.size).toBe(0);
    expect(await target.store.list('_dativo/state/audit/acme/orders')).toHaveLength(1);
  });

  it('a stream the target never recorded takes the file state once, and says where from', async () => {
    const target = new LocalTarget(temp());
    const dir = temp();
    const files = new FileStateStore(dir);
    await files.put('acme', 'orders', 'orders', { checkpoint: 'from-file', runId: newRunId(), updatedAt: '' });
    await commit(target, { checkpoints: { users: 'u1' } });
    const store = storeOf(target, files);
    expect(await checkpoint(store)).toBe('from-file');
    expect(Object.fromEntries(store.migrated)).toEqual({ orders: `file state ${dir}` });
    expect((await store.list('acme', 'orders')).map((s) => [s.stream, s.from])).toEqual([
      ['users', `commit manifests in ${target.description}`],
      ['orders', `file state ${dir} (not yet migrated)`],
    ]);
  });
});
