/** The CLI around the pipeline: run/check/discover/spec, --json, exit codes, clear errors for bad input. */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { jobWorkspace } from '../helpers/job.js';
import { runCli } from '../helpers/run-cli.js';

const json = (s: string) => JSON.parse(s) as Record<string, any>;

describe('dativo-host run', () => {
  it('--json prints a summary: status, per stream records, files, bytes, duration', () => {
    const ws = jobWorkspace(1000);
    const r = runCli(['run', ws.jobFile, '--json']);
    expect(r.status).toBe(0);
    const s = json(r.stdout);
    expect(s).toMatchObject({ status: 'succeeded', records: 1000, streams: [{ stream: 'orders', records: 1000 }] });
    expect(s.streams[0].files.length).toBeGreaterThan(0);
    expect(s.bytesWritten).toBeGreaterThan(0);
    expect(s.durationMs).toBeGreaterThan(0);
  });

  it('logs pino JSON with tenant, job and stream when not on a terminal', () => {
    const ws = jobWorkspace(10);
    const r = runCli(['run', ws.jobFile], { env: { DATIVO_LOG_LEVEL: 'info' } });
    expect(r.status).toBe(0);
    const lines = r.stderr.trim().split('\n').map((l) => json(l));
    expect(lines.some((l) => l.tenant === 'acme' && l.job === 'job' && l.stream === 'orders')).toBe(true);
  });

  it('exit 1 and the error code when the run fails', () => {
    const ws = jobWorkspace(100);
    writeFileSync(ws.csv, readFileSync(ws.csv, 'utf8') + 'not,a,valid,row\n');
    const r = runCli(['run', ws.jobFile, '--json']);
    expect(r.status).toBe(1);
    expect(json(r.stdout)).toMatchObject({ status: 'failed', error: { code: 'PLUGIN_DATA' } });
  });
});

describe('bad configuration exits 2 with a clear message', () => {
  it('malformed YAML: file, line and column', () => {
    const ws = jobWorkspace(1);
    writeFileSync(ws.jobFile, 'tenant_id: acme\nsource: [unclosed\n');
    const r = runCli(['run', ws.jobFile]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`CONFIG_YAML_SYNTAX.*${ws.jobFile}:\\d+:\\d+`));
  });

  it('unknown connector: names the key and what the registry has', () => {
    const ws = jobWorkspace(1);
    ws.writeJob({ source_connector: 'oracle_golden_gate' });
    const r = runCli(['run', ws.jobFile]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/CONFIG_UNKNOWN_CONNECTOR.*source_connector.*oracle_golden_gate.*csv/);
  });

  it('a target connector used as a source is refused by the registry', () => {
    const ws = jobWorkspace(1);
    ws.writeJob({ source_connector: 'local' });
    expect(runCli(['run', ws.jobFile]).stderr).toMatch(/CONFIG_CONNECTOR_ROLE/);
  });

  it('missing contract', () => {
    const ws = jobWorkspace(1);
    ws.writeJob({ asset_path: 'nope.odcs.yaml' });
    const r = runCli(['run', ws.jobFile]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/CONTRACT_NOT_FOUND.*nope\.odcs\.yaml/);
  });

  it('a stream the contract does not define', () => {
    const ws = jobWorkspace(1);
    ws.writeJob({ source: { plugin: undefined, objects: ['customers'], files: ['data/orders.csv'] } });
    const r = runCli(['run', ws.jobFile]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/customers/);
  });

  it('missing input file', () => {
    const ws = jobWorkspace(1);
    rmSync(ws.csv);
    const r = runCli(['run', ws.jobFile]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/SOURCE_FILE_NOT_FOUND.*orders\.csv/);
  });

  it('an unset ${VAR} names the variable and the key', () => {
    const ws = jobWorkspace(1);
    ws.writeJob({ target: { connection: { local: { path: '${DATIVO_TEST_UNSET_DIR}' } } } });
    const r = runCli(['run', ws.jobFile]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/DATIVO_TEST_UNSET_DIR.*target\.connection\.local\.path|target\.connection\.local\.path.*DATIVO_TEST_UNSET_DIR/);
  });

  it('a usage error exits 2', () => {
    expect(runCli(['run']).status).toBe(2);
    expect(runCli(['frobnicate']).status).toBe(2);
  });
});

describe('check, discover, spec', () => {
  it('check accepts a good job and discover lists its streams', () => {
    const ws = jobWorkspace(20);
    expect(runCli(['check', ws.jobFile, '--json'])).toMatchObject({ status: 0 });
    const d = runCli(['discover', ws.jobFile, '--json']);
    expect(d.status).toBe(0);
    expect(json(d.stdout).streams[0]).toMatchObject({ stream: 'orders', files: [ws.csv], offered: [{ name: 'orders' }] });
  });

  it('spec prints the reader plugin spec', () => {
    const ws = jobWorkspace(1);
    const s = runCli(['spec', ws.jobFile, '--json']);
    expect(s.status).toBe(0);
    expect(json(s.stdout)).toMatchObject({ encodings: ['arrow-ipc-stream'] });
  });

  it('every command has --help', () => {
    for (const c of ['run', 'check', 'discover', 'spec', 'exec']) {
      const r = runCli([c, '--help']);
      expect(r.status).toBe(0);
      expect(r.stdout).toContain(`dativo-host ${c}`);
    }
  });
});
