/**
 * Dagster Pipes: the example code location (examples/dagster) materializes job assets in
 * process with dagster's `materialize`, running the host through PipesSubprocessClient; the
 * metadata, checks and logs Dagster got are what the run committed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/fixtures.js';
import { readRows } from '../helpers/job.js';
import { streamsWorkspace } from './streams-workspace.js';

const VENV = join(process.env.DATIVO_CACHE_DIR ?? join(homedir(), '.cache', 'dativo-host'), 'venvs', 'dagster');
const PYTHON = join(VENV, 'bin', 'python');
const HOST = [process.execPath, '--import', 'tsx', join(REPO, 'test/helpers/cli.ts')];

interface Reported {
  success: boolean;
  materializations: { key: string; metadata: Record<string, unknown> }[];
  checks: { key: string; name: string; passed: boolean; severity: string; metadata: Record<string, unknown> }[];
  logs: string[];
  events: string[];
  errors: string[];
}

function materialize(jobsDir: string): Reported {
  if (!existsSync(PYTHON)) throw new Error(`no Dagster venv at ${VENV}: run .ci/install-dagster.sh (bash .ci/run does)`);
  const r = spawnSync(PYTHON, [join(REPO, 'test/operations/dagster/materialize_jobs.py'), jobsDir, JSON.stringify(HOST)], {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, DATIVO_LOG_LEVEL: 'info', DAGSTER_HOME: '' },
    timeout: 300_000,
    maxBuffer: 64 * 2 ** 20,
  });
  if (r.status !== 0) throw new Error(`materialize_jobs.py exited ${r.status}: ${r.stderr.slice(-3000)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Reported;
}

/** A folder of job YAMLs holding the workspace's job (the code location reads a folder). */
function jobsFolder(ws: { dir: string; job: string }): string {
  const jobs = join(ws.dir, 'jobs');
  mkdirSync(jobs);
  renameSync(ws.job, join(jobs, 'ops.yaml'));
  return jobs;
}

describe('Dagster Pipes', () => {
  it('materializes a job of 2 streams: a materialization and a contract check per stream, with the run metadata', async () => {
    const ws = streamsWorkspace(2);
    ws.writeCsv('s1', 1000);
    ws.writeCsv('s2', 500, [7, 9]);
    // Paths in the job are relative to its file: the job moves to jobs/, the data stays.
    ws.writeJob({
      asset_path: '../contract.odcs.yaml',
      schema_validation_mode: 'warn',
      source: { objects: ws.streams.map((name) => ({ name, files: [`../data/${name}.csv`] })), incremental: { strategy: 'cursor', cursor_field: 'id' } },
      target: { connection: { local: { path: '../out' } } },
      state: { path: '../state' },
    });
    const reported = materialize(jobsFolder(ws));
    expect(reported.errors).toEqual([]);
    expect(reported.success).toBe(true);

    const rows = readRows(ws.out);
    const byKey = Object.fromEntries(reported.materializations.map((m) => [m.key, m.metadata]));
    expect(Object.keys(byKey).sort()).toEqual(['acme/ops/s1', 'acme/ops/s2']);
    const runIds = new Set(Object.values(byKey).map((m) => m.run_id));
    expect(runIds.size).toBe(1);
    for (const [stream, n, invalid] of [['s1', 1000, 0], ['s2', 500, 2]] as const) {
      const m = byKey[`acme/ops/${stream}`]!;
      expect(m.records).toBe(n);
      expect(rows.filter((r) => String(r.name ?? '').startsWith(`row-${stream}-`)).length).toBe(n - invalid);
      expect(m.invalid_records).toBe(invalid);
      expect(m.files).toBeGreaterThanOrEqual(1);
      expect(m.bytes).toBeGreaterThan(0);
      expect(m.contract_id).toBe('6a0c2f4e-3b1d-4e8a-9f7c-2d5e8b1a4c6f');
      expect(m.contract_version).toBe('1.0.0');
      expect(String(m.run_id)).toMatch(/^\d{8}T\d{6}Z-[0-9a-f]{6}$/);
      expect(String(m.checkpoint)).toContain(String(n)); // the cursor's last id
    }
    const checks = Object.fromEntries(reported.checks.map((c) => [c.key, c]));
    expect(checks['acme/ops/s1']).toMatchObject({ name: 'contract_validation', passed: true, severity: 'WARN', metadata: { invalid_records: 0 } });
    expect(checks['acme/ops/s2']).toMatchObject({ name: 'contract_validation', passed: false, severity: 'WARN', metadata: { invalid_records: 2 } });
    // The host's log lines reached Dagster through Pipes.
    expect(reported.logs.some((l) => l.includes('run committed'))).toBe(true);
    expect(reported.logs.some((l) => l.includes('[s2] stream done'))).toBe(true);
  });

  it('a failed run fails the step and reports no materialization', async () => {
    const ws = streamsWorkspace(1);
    ws.writeCsv('s1', 100, [3]);
    ws.writeJob({
      asset_path: '../contract.odcs.yaml',
      source: { objects: [{ name: 's1', files: ['../data/s1.csv'] }] },
      target: { connection: { local: { path: '../out' } } },
      state: { path: '../state' },
    });
    const reported = materialize(jobsFolder(ws));
    expect(reported.success).toBe(false);
    expect(reported.materializations).toEqual([]);
    expect(reported.errors.join('\n')).toMatch(/External execution process failed with code 1/);
    // The host's error, as the exception of the Pipes session it closed.
    expect(reported.events.join('\n')).toMatch(/DATA_VALIDATION_FAILED/);
    expect(readRows(ws.out)).toEqual([]);
  });
});
