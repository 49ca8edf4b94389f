/**
 * Errors a user can act on, through the CLI: the exit code says whose move it is (2: change
 * the configuration), and the message names the job key and the user's own file paths.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/fixtures.js';
import { jobWorkspace } from '../helpers/job.js';
import { runCli } from '../helpers/run-cli.js';

const json = (s: string) => JSON.parse(s) as Record<string, any>;
const sourceWith = (config: Record<string, unknown>) => ({ source: { ...baseSource, config } });
const baseSource = { objects: ['orders'], files: ['data/orders.csv'], incremental: { strategy: 'cursor', cursor_field: 'order_id' } };

describe('a mistyped key in the job is named, with the closest valid key', () => {
  it('sorce: -> exit 2, "did you mean source"', () => {
    const ws = jobWorkspace(1);
    writeFileSync(ws.jobFile, readFileSync(ws.jobFile, 'utf8').replace(/^source:/m, 'sorce:'));
    const r = runCli(['run', ws.jobFile]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`CONFIG_INVALID: job ${ws.jobFile}: sorce: unknown key (did you mean "source"?)`);
  });
});

describe('a source connector with no reader is refused at planning', () => {
  it.each(['parquet', 's3'])('%s: exit 2, CONFIG_CONNECTOR_UNAVAILABLE, no reader exists', (type) => {
    const ws = jobWorkspace(1, { source_connector: type });
    for (const command of ['run', 'check']) {
      const r = runCli([command, ws.jobFile, '--json']);
      expect(r.status).toBe(2);
      expect(json(r.stdout).error).toMatchObject({ code: 'CONFIG_CONNECTOR_UNAVAILABLE', details: { key: 'source_connector', connector: type } });
      expect(r.stderr).toMatch(new RegExp(`source_connector: connector "${type}" cannot be a source: no reader exists for it yet`));
    }
  });
});

describe("a config the reader plugin refuses exits 2 and names the job's key", () => {
  it('an unknown key: source.config.delimitr, did you mean delimiter (not a JSON position)', () => {
    const ws = jobWorkspace(5, sourceWith({ delimitr: ';' }));
    for (const command of ['run', 'check']) {
      const r = runCli([command, ws.jobFile, '--json']);
      expect(r.status).toBe(2);
      const { error } = json(r.stdout);
      expect(error).toMatchObject({ code: 'PLUGIN_CONFIG', details: { key: 'source.config.delimitr', pluginCode: 'CONFIG_INVALID' } });
      expect(error.message).toBe('plugin "csv-reader" refused its config: source.config.delimitr: unknown key (did you mean "delimiter"?)');
      const shown = r.stderr.split('\n').find((l) => l.startsWith(`dativo-host ${command}: `));
      expect(shown).toBe(`dativo-host ${command}: PLUGIN_CONFIG: ${error.message}`);
      expect(shown).not.toMatch(/line \d+ column \d+/); // the plugin's own words: details.pluginMessage
    }
  });

  it('a bad value: source.config.delimiter and what the schema wants', () => {
    const ws = jobWorkspace(5, sourceWith({ delimiter: ';;' }));
    const r = runCli(['run', ws.jobFile]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('PLUGIN_CONFIG: plugin "csv-reader" refused its config: source.config.delimiter: must NOT have more than 1 characters (got ";;")');
  });

  it("the plugin's own config check (beyond its schema) also exits 2", () => {
    const ws = jobWorkspace(5, sourceWith({ delimiter: 'é' }));
    const r = runCli(['run', ws.jobFile, '--json']);
    expect(r.status).toBe(2);
    expect(json(r.stdout).error).toMatchObject({ code: 'PLUGIN_CONFIG', details: { pluginCode: 'CONFIG_INVALID' } });
    expect(r.stderr).toMatch(/delimiter must be one ASCII character/);
  });
});

describe("a config the writer plugin refuses exits 2 and names the job's key", () => {
  it('target.config.dri: did you mean dir', () => {
    const writer = join(REPO, 'plugins-rust', 'jsonl-writer', 'dist', 'plugin.yaml');
    const ws = jobWorkspace(5, { target: { plugin: writer, connection: { local: { path: 'out' } }, config: { dri: '/out' } } });
    const r = runCli(['run', ws.jobFile, '--json']);
    expect(r.status).toBe(2);
    const { error } = json(r.stdout);
    expect(error).toMatchObject({ code: 'PLUGIN_CONFIG', details: { key: 'target.config.dri' } });
    expect(error.message).toBe('plugin "jsonl-writer" refused its config: target.config.dri: unknown key (did you mean "dir"?); target.config.dir: required key is missing');
  });
});

describe("plugin errors show the user's paths, not the sandbox's", () => {
  it('a data error names the host file the job bound at /data; the guest path stays in details', () => {
    const ws = jobWorkspace(100);
    appendFileSync(ws.csv, '101,not-a-number,x\n');
    const r = runCli(['run', ws.jobFile, '--json']);
    expect(r.status).toBe(1);
    const { error } = json(r.stdout);
    expect(error.code).toBe('PLUGIN_DATA');
    expect(error.message).toContain(`${ws.csv} line 102`);
    expect(error.message).not.toMatch(/(^|[^\w/-])\/data\/orders\.csv/);
    expect(error.details.guestMessage).toContain('/data/orders.csv line 102');
    expect(r.stderr).toContain(`${join(ws.dir, 'data', 'orders.csv')} line 102`);
  });
});
