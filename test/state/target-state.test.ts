/**
 * state.backend target: runs of one incremental job alternate between two machines (two
 * working folders, no shared local file) against one S3-compatible server (s3rver) and
 * one local target folder. The checkpoint travels in the commit manifest, so every
 * source row is in the target exactly once, through a SIGKILL after a commit point too.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { tableFromIPC } from 'apache-arrow';
import { readParquet } from 'parquet-wasm/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { tempDir } from '../helpers/fixtures.js';
import { S3RVER_CREDS, startS3rver, type S3rverFixture } from '../helpers/s3rver.js';
import { readRows } from '../helpers/job.js';
import { range, sorted, twoMachines, type Machines } from './machines.js';

const CREDS = S3RVER_CREDS;
let s3rver: S3rverFixture;
let endpoint: string;
let s3: S3Client;

beforeAll(async () => {
  s3rver = await startS3rver();
  ({ endpoint, s3 } = s3rver);
});
afterAll(() => s3rver.close());

const keys = async (prefix: string) => ((await s3.send(new ListObjectsV2Command({ Bucket: 'lake', Prefix: prefix }))).Contents ?? []).map((o) => o.Key!).sort();
const getText = async (key: string) => (await s3.send(new GetObjectCommand({ Bucket: 'lake', Key: key }))).Body!.transformToString();
const s3Ids = async (prefix: string) => {
  const ids: number[] = [];
  for (const key of (await keys(prefix)).filter((k) => k.endsWith('.parquet') && !k.includes('/_dativo/'))) {
    const body = await (await s3.send(new GetObjectCommand({ Bucket: 'lake', Key: key }))).Body!.transformToByteArray();
    ids.push(...Array.from(tableFromIPC(readParquet(body).intoIPCStream()).getChild('order_id')!.toArray() as ArrayLike<bigint>, Number));
  }
  return sorted(ids);
};
const s3Target = (prefix: string) => ({ connection: { s3: { bucket: 'lake', prefix, endpoint, region: 'us-east-1' } }, parquet_target_size_mb: 0.2 });

/** The job's latest commit manifest (by seq), from its JSON texts. */
const latest = (texts: string[]) => texts.map((t) => JSON.parse(t)).sort((x, y) => x.seq - y.seq).at(-1);

/**
 * Six runs alternating a, b, a, ... with new rows before each; run `killAt` is SIGKILLed
 * at `point` (past the commit point), so the next run, on the other machine, finishes it.
 */
async function alternate(m: Machines, killAt: number, point: string): Promise<void> {
  for (let i = 0; i < 6; i++) {
    if (i > 0) m.addRows(700 + i * 50);
    const machine = i % 2 === 0 ? m.a : m.b;
    if (i === killAt) {
      expect(await m.runKilled(machine, point, CREDS)).toBe('SIGKILL');
      continue;
    }
    const { summary } = await m.run(machine);
    expect(summary.state.backend).toBe('target');
    expect(summary.recovered).toHaveLength(i === killAt + 1 ? 1 : 0);
  }
}

describe('state.backend target', () => {
  it('S3 (the default there): six runs alternating between two machines, one SIGKILLed after its commit point: every row once', async () => {
    const m = twoMachines(2000, { target_connector: 's3', target: s3Target('travel/orders') });
    await alternate(m, 3, 'after-commit-point');
    expect(await s3Ids('travel/orders/')).toEqual(range(m.total));
    expect(await keys('travel/orders/_dativo/pending/')).toEqual([]);

    // state show (from either machine) agrees with the latest commit manifest.
    const manifests = await Promise.all((await keys('travel/orders/_dativo/commits/')).map(getText));
    expect(manifests).toHaveLength(6); // the killed run's commit was finished, not lost
    const last = latest(manifests);
    expect(last.checkpoints.orders).toBeDefined();
    const show = await m.cli(['state', 'show', m.b.jobFile, '--json'], CREDS);
    expect(show.status).toBe(0);
    const shown = JSON.parse(show.stdout);
    expect(shown.backend).toBe('target');
    expect(shown.streams).toEqual([expect.objectContaining({ stream: 'orders', checkpoint: last.checkpoints.orders, runId: last.runId })]);

    // reset needs --yes; then a run reads everything again (append: every row a second time).
    expect((await m.cli(['state', 'reset', m.a.jobFile], CREDS)).status).toBe(2);
    const reset = await m.cli(['state', 'reset', m.a.jobFile, '--yes', '--json'], CREDS);
    expect(reset.status).toBe(0);
    expect(JSON.parse(reset.stdout).reset).toEqual(['orders']);
    const audits = await keys('travel/orders/_dativo/state/audit/acme/job/');
    expect(audits).toHaveLength(1);
    expect(JSON.parse(await getText(audits[0]!))).toMatchObject({ event: 'state.reset', streams: ['orders'], previous: [{ checkpoint: last.checkpoints.orders }] });
    const emptyShow = JSON.parse((await m.cli(['state', 'show', m.a.jobFile, '--json'], CREDS)).stdout);
    expect(emptyShow.streams).toEqual([]);
    const reload = await m.run(m.b);
    expect(reload.summary.records).toBe(m.total);
    expect(await s3Ids('travel/orders/')).toEqual(sorted([...range(m.total), ...range(m.total)]));
  }, 240_000);

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
