/**
 * What a run does with a stream's earlier data (append, replace, full_refresh; merge is
 * refused), crash safety of replace, and one run at a time per job.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/fixtures.js';
import { generateOrders, jobWorkspace, readRows } from '../helpers/job.js';
import { runCli } from '../helpers/run-cli.js';
import { LocalTarget } from '../../host/src/targets/local-target.js';
import { flightsCsv, workspace } from './workspace.js';

const run = (job: string) => {
  const r = runCli(['run', job, '--json']);
  return { ...r, json: r.stdout.trim() ? (JSON.parse(r.stdout) as Record<string, any>) : undefined };
};
const ids = (rows: Record<string, unknown>[]) => rows.map((r) => Number(r.flight_id)).sort((a, b) => a - b);
const runFolders = (out: string) => readdirSync(join(out, 'flights')).sort();

function flights(rows: number[], disposition?: string, extra: Record<string, unknown> = {}) {
  const ws = workspace();
  const writeData = (ns: number[]) => ws.write('data/flights.csv', flightsCsv('flight_id,carrier,delay', ns.map((n) => [n, 'LH', n / 2])));
  writeData(rows);
  ws.writeJob({ source: { objects: [{ name: 'flights', files: ['data/flights.csv'], ...(disposition ? { write_disposition: disposition } : {}) }] }, ...extra });
  return { ws, writeData };
}

/** `dativo-host run` killed (SIGKILL) at a named point of the commit protocol. */
function runKilledAt(jobFile: string, point: string): Promise<string | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'test/helpers/cli.ts'), 'run', jobFile], {
      cwd: REPO,
      stdio: 'ignore',
      env: { ...process.env, DATIVO_LOG_LEVEL: 'warn', DATIVO_CRASH_POINT: point },
    });
    child.on('exit', (_code, signal) => resolve(signal));
  });
}

describe('write dispositions', () => {
  it('append without an incremental block: the note says so, and a rerun appends every row again', () => {
    const { ws } = flights([1, 2]);
    const first = run(ws.job);
    expect(first.status, first.stderr).toBe(0);
    expect(first.json!.notes.join(' ')).toMatch(/no incremental block: each run reads the whole source again/);
    const check = runCli(['check', ws.job]);
    expect(check.status, check.stderr).toBe(0);
    expect(check.stdout).toMatch(/note: no incremental block/);
    expect(run(ws.job).status).toBe(0);
    expect(ids(readRows(ws.out))).toEqual([1, 1, 2, 2]);
  });

  it('replace twice: the visible data is the last run only, and the old run folders are gone', () => {
    const { ws, writeData } = flights([1, 2, 3], 'replace');
    const first = run(ws.job);
    expect(first.status, first.stderr).toBe(0);
    expect(first.json!.streams[0].disposition).toBe('replace');
    writeData([4, 5]);
    const second = run(ws.job);
    expect(second.status, second.stderr).toBe(0);
    expect(ids(readRows(ws.out))).toEqual([4, 5]);
    expect(runFolders(ws.out)).toEqual([`run_id=${second.json!.runId}`]);
    const commits = readdirSync(join(ws.out, '_dativo', 'commits'));
    expect(commits).toHaveLength(2);
    expect(existsSync(join(ws.out, '_dativo', 'retired'))).toBe(readdirSync(join(ws.out, '_dativo')).includes('retired'));
  });

  it.each(['after-commit-point', 'after-publish', 'after-retire', 'after-state'])('replace killed at %s, then rerun: the visible data is one copy of the source', async (point) => {
    const { ws, writeData } = flights([1, 2, 3], 'replace');
    expect(run(ws.job).status).toBe(0);
    writeData([4, 5, 6, 7]);
    expect(await runKilledAt(ws.job, point)).toBe('SIGKILL');
    // Killed after its commit point: the next run finishes it first, then replaces it.
    const rerun = run(ws.job);
    expect(rerun.status, rerun.stderr).toBe(0);
    expect(rerun.json!.recovered).toHaveLength(1);
    expect(ids(readRows(ws.out))).toEqual([4, 5, 6, 7]);
    expect(runFolders(ws.out)).toEqual([`run_id=${rerun.json!.runId}`]);
    expect(readdirSync(join(ws.out, '_dativo', 'pending'))).toEqual([]);
  });

  it('full_refresh: each run loads the whole source once (replace by default); append with it is refused', () => {
    const { ws, writeData } = flights([1, 2], undefined, {});
    ws.writeJob({ source: { objects: [{ name: 'flights', files: ['data/flights.csv'] }], incremental: { strategy: 'full_refresh' } } });
    expect(run(ws.job).status).toBe(0);
    writeData([1, 2, 3]);
    const second = run(ws.job);
    expect(second.status, second.stderr).toBe(0);
    expect(second.json!.streams[0].disposition).toBe('replace');
    expect(ids(readRows(ws.out))).toEqual([1, 2, 3]);
    ws.writeJob({ source: { objects: [{ name: 'flights', files: ['data/flights.csv'], write_disposition: 'append' }], incremental: { strategy: 'full_refresh' } } });
    const refused = runCli(['run', ws.job]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/source\.objects\[0\]\.write_disposition: full_refresh reloads every row/);
  });

  it('merge is refused before anything runs, naming the key and why (exit 2)', () => {
    const { ws } = flights([1], 'merge');
    const r = runCli(['run', ws.job, '--json']);
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stdout).error.code).toBe('DISPOSITION_NOT_SUPPORTED');
    expect(JSON.parse(r.stdout).error.message).toMatch(/merge \(upsert on the primary key flight_id\) needs a table-format target/);
  });

  it('replace with an incremental cursor is refused (the stream would keep only new rows)', () => {
    const { ws } = flights([1], undefined);
    ws.writeJob({ source: { objects: [{ name: 'flights', files: ['data/flights.csv'], write_disposition: 'replace' }], incremental: { strategy: 'cursor', cursor_field: 'flight_id' } } });
    const r = runCli(['run', ws.job]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/replace with an incremental read/);
  });
});

describe('one run at a time per job', () => {
  it('a run while another holds the job fails fast with RUN_LOCKED naming the holder; a dead holder is taken over', async () => {
    const ws = jobWorkspace(1000);
    const target = new LocalTarget(ws.out);
    const lock = await target.lock({ tenant: 'acme', job: 'job' }, '20261201T000000Z-abcdef');
    const refused = runCli(['run', ws.jobFile, '--json']);
    expect(refused.status).toBe(1);
    const err = JSON.parse(refused.stdout).error;
    expect(err.code).toBe('RUN_LOCKED');
    expect(err.message).toContain(`run 20261201T000000Z-abcdef, pid ${process.pid} on ${hostname()}`);
    expect(readRows(ws.out)).toEqual([]);
    await lock.release();
    expect(runCli(['run', ws.jobFile]).status).toBe(0);

    // A lock left by a process that no longer runs (as after SIGKILL) is stale.
    const dead = spawnSyncPid();
    mkdirSync(join(ws.out, '_dativo', 'locks', 'acme'), { recursive: true });
    const at = new Date().toISOString();
    writeFileSync(join(ws.out, '_dativo', 'locks', 'acme', 'job.json'), JSON.stringify({ runId: '20261201T000000Z-000000', pid: dead, host: hostname(), startedAt: at, renewedAt: at, leaseMs: 600_000 }));
    generateOrders(ws.csv, 10, 1001);
    const after = runCli(['run', ws.jobFile, '--json']);
    expect(after.status, after.stderr).toBe(0);
    expect(JSON.parse(after.stdout).records).toBe(10);
    expect(existsSync(join(ws.out, '_dativo', 'locks', 'acme', 'job.json'))).toBe(false);
  });

  it('two runs started together: one commits, the other is refused; every row is loaded once', async () => {
    const ws = jobWorkspace(200_000);
    const start = () =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'test/helpers/cli.ts'), 'run', ws.jobFile, '--json'], { cwd: REPO, env: { ...process.env, DATIVO_LOG_LEVEL: 'warn' } });
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.on('exit', (code) => resolve({ code, out }));
      });
    const results = await Promise.all([start(), start()]);
    const codes = results.map((r) => r.code).sort();
    expect(codes).toEqual([0, 1]);
    const loser = results.find((r) => r.code === 1)!;
    expect(JSON.parse(loser.out).error.code).toBe('RUN_LOCKED');
    const ids = readRows(ws.out).map((r) => Number(r.order_id));
    expect(ids.length).toBe(200_000);
    expect(new Set(ids).size).toBe(200_000);
  });
});

/** The pid of a process that has exited. */
function spawnSyncPid(): number {
  const { pid } = spawnSync(process.execPath, ['-e', '0']);
  return pid;
}
