/**
 * state.backend target: runs of one incremental job alternate between two machines (two
 * working folders, no shared local file) against one S3-compatible server (s3rver; the S3
 * cases, shared with target-state-minio.test.ts, are in s3-state-cases.ts) and one local
 * target folder. The checkpoint travels in the commit manifest, so every source row is in
 * the target exactly once, through a SIGKILL after a commit point too.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { tempDir } from '../helpers/fixtures.js';
import { S3RVER_CREDS, startS3rver, type S3rverFixture } from '../helpers/s3rver.js';
import { readRows } from '../helpers/job.js';
import { alternate, latest, range, sorted, twoMachines } from './machines.js';
import { s3StateCases } from './s3-state-cases.js';

let s3rver: S3rverFixture;

beforeAll(async () => {
  s3rver = await startS3rver();
});
afterAll(() => s3rver.close());

describe('state.backend target', () => {
  s3StateCases(() => ({ endpoint: s3rver.endpoint, s3: s3rver.s3, creds: S3RVER_CREDS, listsDeepPrefixes: false }));

  it('one local target folder: six alternating runs, one SIGKILLed after publishing; every row once', async () => {
    const shared = tempDir('shared-target-');
    const m = twoMachines(2000, { target: { connection: { local: { path: shared } }, parquet_target_size_mb: 0.2 }, state: { backend: 'target' } });
    await alternate(m, 2, 'after-publish');
    expect(sorted(readRows(shared).map((r) => Number(r.order_id)))).toEqual(range(m.total));
    expect(existsSync(join(m.a.dir, '.dativo')) || existsSync(join(m.b.dir, '.dativo'))).toBe(false); // no local state
    const dir = join(shared, '_dativo', 'commits');
    const last = latest(readdirSync(dir).map((n) => readFileSync(join(dir, n), 'utf8')));
    const shown = JSON.parse((await m.cli(['state', 'show', m.a.jobFile, '--json'])).stdout);
    expect(shown.streams.map((s: { checkpoint: string }) => s.checkpoint)).toEqual([last.checkpoints.orders]);
  }, 240_000);

  it('the same alternation with backend file loads rows again on the other machine (why target exists)', async () => {
    const shared = tempDir('shared-target-');
    const m = twoMachines(2000, { target: { connection: { local: { path: shared } } }, state: { backend: 'file', path: 'state' } });
    await m.run(m.a);
    m.addRows(500);
    const second = await m.run(m.b);
    expect(second.summary.records).toBe(2500); // b has no state: everything again
    expect(readRows(shared)).toHaveLength(4500);
  }, 120_000);

  it('moving from file to target: the first run takes the file state and says so; the other machine resumes from its commit', async () => {
    const before = tempDir('old-target-');
    const after = tempDir('new-target-');
    const m = twoMachines(1500, { target: { connection: { local: { path: before } } }, state: { backend: 'file', path: 'state' } });
    expect((await m.run(m.a)).summary.records).toBe(1500);
    // The job moves to a new target with backend target: that target has no state yet.
    for (const w of [m.a, m.b]) w.writeJob({ ...jobYaml(w), target: { connection: { local: { path: after } } }, state: { backend: 'target', path: 'state' } });
    m.addRows(400);
    const first = await m.run(m.a);
    expect(first.summary.records).toBe(400);
    expect(first.summary.state.migrated).toEqual({ orders: `file state ${join(m.a.dir, 'state')}` });
    expect(first.logs.records.some((r) => r.stream === 'orders' && String(r.msg).includes('has no state for stream orders; took the file state'))).toBe(true);
    m.addRows(100);
    const second = await m.run(m.b);
    expect(second.summary.records).toBe(100);
    expect(second.summary.state.migrated).toEqual({});
    const ids = [...readRows(before), ...readRows(after)].map((r) => Number(r.order_id));
    expect(sorted(ids)).toEqual(range(m.total));

    // After a reset, machine a's old file state is not taken again: the next run reads everything.
    expect((await m.cli(['state', 'reset', m.a.jobFile, '--yes'])).status).toBe(0);
    expect(existsSync(join(after, '_dativo', 'state', 'audit', 'acme', 'job'))).toBe(true);
    const reload = await m.run(m.a);
    expect(reload.summary.records).toBe(m.total);
    expect(reload.summary.state.migrated).toEqual({});
  }, 120_000);
});

/** The job file as written (to change a key and write it back). */
const jobYaml = (w: { jobFile: string }) => parse(readFileSync(w.jobFile, 'utf8')) as Record<string, unknown>;
