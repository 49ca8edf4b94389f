/** `dativo-host state show|reset` on the file backend (the local default), through the CLI. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateOrders, jobWorkspace, readRows } from '../helpers/job.js';
import { runCli } from '../helpers/run-cli.js';

describe('state show and reset, backend file', () => {
  it('show prints the state file; reset needs --yes, writes its audit record first, and the next run reloads all', () => {
    const ws = jobWorkspace(3000);
    const run = JSON.parse(runCli(['run', ws.jobFile, '--json']).stdout);
    expect(run.state).toEqual({ backend: 'file', migrated: {} });
    const file = join(ws.dir, 'state', 'acme', 'job', 'orders.json');
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    const show = runCli(['state', 'show', ws.jobFile, '--json']);
    expect(show.status).toBe(0);
    expect(JSON.parse(show.stdout)).toMatchObject({ backend: 'file', streams: [{ stream: 'orders', checkpoint: saved.checkpoint, runId: run.runId }] });
    expect(runCli(['state', 'show', ws.jobFile, '--stream', 'nope', '--json']).stdout).toContain('"streams": []');

    const refused = runCli(['state', 'reset', ws.jobFile]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('--yes');
    expect(existsSync(file)).toBe(true);

    const reset = runCli(['state', 'reset', ws.jobFile, '--yes'], { env: { DATIVO_LOG_LEVEL: 'info' } });
    expect(reset.status).toBe(0);
    expect(existsSync(file)).toBe(false);
    const auditDir = join(ws.dir, 'state', 'acme', 'job', 'audit');
    const [name] = readdirSync(auditDir);
    expect(JSON.parse(readFileSync(join(auditDir, name!), 'utf8'))).toMatchObject({ event: 'state.reset', backend: 'file', streams: ['orders'], previous: [{ checkpoint: saved.checkpoint }] });
    expect(reset.stderr).toMatch(/state\.reset/);
    // The audit folder is not a stream.
    expect(JSON.parse(runCli(['state', 'show', ws.jobFile, '--json']).stdout).streams).toEqual([]);

    const again = JSON.parse(runCli(['run', ws.jobFile, '--json']).stdout);
    expect(again.records).toBe(3000);
    expect(readRows(ws.out)).toHaveLength(6000);
  }, 120_000);

  it('reset after a run killed past its commit point: that commit is finished first, so the reset still wins', () => {
    const ws = jobWorkspace(3000);
    expect(runCli(['run', ws.jobFile]).status).toBe(0);
    generateOrders(ws.csv, 1000, 3001);
    const killed = runCli(['run', ws.jobFile], { env: { DATIVO_CRASH_POINT: 'after-commit-point' } });
    expect(killed.status).toBeNull(); // SIGKILL: its manifest is pending, its state not saved
    expect(runCli(['state', 'reset', ws.jobFile, '--yes']).status).toBe(0);
    const again = JSON.parse(runCli(['run', ws.jobFile, '--json']).stdout);
    expect(again.recovered).toEqual([]);
    expect(again.records).toBe(4000);
    expect(readRows(ws.out)).toHaveLength(8000);
  }, 120_000);
});
