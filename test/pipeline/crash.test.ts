/**
 * A run killed with SIGKILL at any point, then rerun: every row exactly once, none
 * lost, none duplicated, and no partial run ever visible.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/fixtures.js';
import { jobWorkspace, readRows } from '../helpers/job.js';
import { runCli } from '../helpers/run-cli.js';

const ids = (out: string) => readRows(out).map((r) => Number(r.order_id)).sort((a, b) => a - b);
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/** Starts `dativo-host run` and SIGKILLs it after `ms` (or lets it die at a crash point). */
function runKilled(jobFile: string, opts: { afterMs?: number; crashPoint?: string }): Promise<string | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'test/helpers/cli.ts'), 'run', jobFile], {
      cwd: REPO,
      stdio: 'ignore',
      env: { ...process.env, DATIVO_LOG_LEVEL: 'warn', ...(opts.crashPoint ? { DATIVO_CRASH_POINT: opts.crashPoint } : {}) },
    });
    const timer = opts.afterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), opts.afterMs);
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      resolve(signal);
    });
  });
}

describe('crash safety', () => {
  it.each(['after-staging', 'after-commit-point', 'after-publish', 'after-state'])('killed at %s, then rerun: every row exactly once', async (point) => {
    const ws = jobWorkspace(30_000);
    ws.writeJob({ target: { connection: { local: { path: 'out' } }, parquet_target_size_mb: 0.2 } });
    expect(await runKilled(ws.jobFile, { crashPoint: point })).toBe('SIGKILL');
    const visible = ids(ws.out);
    // Before the commit point nothing is visible; after it, all of the run may be.
    expect(visible.length === 0 || visible.length === 30_000).toBe(true);
    const rerun = runCli(['run', ws.jobFile, '--json']);
    expect(rerun.status).toBe(0);
    expect(ids(ws.out)).toEqual(range(30_000));
    expect(existsSync(join(ws.out, '_dativo', 'pending')) ? readdirSync(join(ws.out, '_dativo', 'pending')) : []).toEqual([]);
    // And the state agrees: another run has nothing new to load.
    const again = JSON.parse(runCli(['run', ws.jobFile, '--json']).stdout);
    expect(again.records).toBe(0);
  });

  it('killed at arbitrary moments while reading and writing, then rerun: every row exactly once', async () => {
    const ws = jobWorkspace(150_000);
    ws.writeJob({ target: { connection: { local: { path: 'out' } }, parquet_target_size_mb: 0.5 } });
    for (const ms of [400, 900, 1600, 2500]) {
      await runKilled(ws.jobFile, { afterMs: ms });
      const visible = ids(ws.out);
      expect(new Set(visible).size).toBe(visible.length);
      expect(visible.length === 0 || visible.length === 150_000).toBe(true);
    }
    const rerun = runCli(['run', ws.jobFile, '--json']);
    expect(rerun.status).toBe(0);
    expect(ids(ws.out)).toEqual(range(150_000));
  });
});
