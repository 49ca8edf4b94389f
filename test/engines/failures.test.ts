/**
 * Engines under failure and containment, with tiny script connectors (scripts/): a tap
 * that exits non-zero, one that hangs, one that prints a malformed line; Airbyte TRACE
 * ERRORs (transient retried, config_error not); CONTROL written back; the three kinds of
 * Airbyte state; what a connector's process is given (environment, folder, files, limits).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger, MemoryLogDestination } from '../../host/src/logging/logger.js';
import { loadSource } from '../../host/src/engines/source-reader.js';
import { planJob } from '../../host/src/pipeline/plan.js';
import { runJob } from '../../host/src/pipeline/run-job.js';
import { StaticSecretManager } from '../../host/src/secrets/secret-manager.js';
import { REPO } from '../helpers/fixtures.js';
import { readRows } from '../helpers/job.js';
import { engineWorkspace, plain, python, type EngineWorkspace } from './connectors.js';

const TAP = join(import.meta.dirname, 'scripts', 'script_tap.py');
const SOURCE = join(import.meta.dirname, 'scripts', 'script_source.py');
const PROPERTIES = [
  { name: 'id', logicalType: 'integer', physicalType: 'bigint', required: true },
  { name: 'note', logicalType: 'string' },
];

function job(connector: 'singer' | 'airbyte', config: Record<string, unknown>, engineConfig: Record<string, unknown> = {}, rest: Record<string, unknown> = {}) {
  const ws = engineWorkspace(connector, 'items', PROPERTIES);
  ws.writeJob({
    source: {
      engine_config: { command: [python(), connector === 'singer' ? TAP : SOURCE], batch_rows: 2, ...engineConfig },
      config,
      incremental: { strategy: 'cursor', cursor_field: 'id' },
    },
    retries: { max_attempts: 3, base_delay_ms: 10 },
    ...rest,
  });
  return ws;
}

const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: { code: string; message: string; retryable: boolean }) => e);
const stateFile = (ws: EngineWorkspace, connector: string) => join(ws.dir, 'state', 'acme', `${connector}-test`, 'items.json');
const ids = (ws: EngineWorkspace) => readRows(ws.out).map((r) => Number(r.id)).sort((a, b) => a - b);

describe('singer engine failures', () => {
  it('a tap that exits non-zero after records and states fails the run with its last stderr lines; nothing is committed, no state', async () => {
    const ws = job('singer', { mode: 'exit' });
    const err = await failure(runJob(ws.job));
    expect(err?.code).toBe('ENGINE_EXIT');
    expect(err?.message).toMatch(/exited with code 3; its last stderr lines:\nconnecting to the warehouse...\nFATAL: database unreachable \(code 57\)/);
    expect(existsSync(stateFile(ws, 'singer'))).toBe(false);
    expect(readRows(ws.out)).toEqual([]);
  });

  it('a tap that stops producing output is killed past the inactivity timeout', async () => {
    const ws = job('singer', { mode: 'hang' }, { idle_timeout_ms: 1500 });
    const started = Date.now();
    const err = await failure(runJob(ws.job));
    expect(err?.code).toBe('ENGINE_IDLE_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(existsSync(stateFile(ws, 'singer'))).toBe(false);
  });

  it('the wall-clock limit kills a tap that keeps talking past it', async () => {
    const ws = job('singer', { mode: 'hang' }, { timeout_ms: 1500, idle_timeout_ms: 60_000 });
    expect((await failure(runJob(ws.job)))?.code).toBe('ENGINE_TIMEOUT');
  });

  it('closing the reader (another stream of the run failed) kills a tap in the middle of a read', async () => {
    const ws = job('singer', { mode: 'hang' });
    const plan = planJob(ws.job);
    const reader = await (await loadSource(plan, plan.streams[0]!, {})).openReader();
    const batches = reader.read({ config: plan.streams[0]!.config, stream: 'items' });
    expect((await batches.next()).done).toBe(false); // records 1-2; then the tap goes silent
    const started = Date.now();
    const rest = batches.next();
    await reader.close();
    await expect(rest).rejects.toMatchObject({ code: 'ENGINE_EXIT', message: expect.stringMatching(/was ended by SIGKILL/) });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('a tap does not outlive the host: SIGKILL of the host kills it (parent-death signal)', async () => {
    const ws = engineWorkspace('singer', 'items', PROPERTIES);
    const pidFile = join(ws.dir, 'tap.pid');
    ws.writeJob({ source: { engine_config: { command: [python(), TAP] }, config: { mode: 'hang', pid_file: pidFile } } });
    const host = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'test/helpers/cli.ts'), 'run', ws.job], { stdio: 'ignore', cwd: REPO });
    const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };
    for (let i = 0; i < 600 && !existsSync(pidFile); i++) await new Promise((r) => setTimeout(r, 100));
    const pid = Number(readFileSync(pidFile, 'utf8'));
    expect(alive(pid)).toBe(true);
    host.kill('SIGKILL');
    for (let i = 0; i < 50 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
    expect(alive(pid)).toBe(false);
  });

  it('a malformed stdout line fails the run, naming the line', async () => {
    const ws = job('singer', { mode: 'malformed' });
    const err = await failure(runJob(ws.job));
    expect(err?.code).toBe('ENGINE_MESSAGE_INVALID');
    expect(err?.message).toMatch(/stdout line 6 is not a JSON message: "this is not a JSON message"/);
    expect(readRows(ws.out)).toEqual([]);
  });

  it('the state a STATE message gives is committed with the records before it, and the next run resumes from it', async () => {
    const ws = job('singer', { mode: 'ok' });
    expect((await runJob(ws.job)).records).toBe(5);
    expect(JSON.parse(JSON.parse(readFileSync(stateFile(ws, 'singer'), 'utf8')).checkpoint)).toEqual({ bookmarks: { items: { id: 5 } } });
    expect((await runJob(ws.job)).records).toBe(5);
    expect(ids(ws)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('containment: empty environment but the declared variables, a private 0700 folder, the config 0600 and deleted after, rlimits', async () => {
    const ws = job('singer', { mode: 'env' }, { env: { TAP_REGION: 'eu' }, pass_env: ['DATIVO_TEST_PASSED', 'DATIVO_TEST_ABSENT'], secrets: { password: 'db_password' }, memory_mb: 1024, cpu_seconds: 77 });
    process.env.DATIVO_TEST_PASSED = 'yes';
    process.env.DATIVO_TEST_NOT_PASSED = 'no';
    const logs = new MemoryLogDestination();
    await runJob(ws.job, { secrets: new StaticSecretManager({ db_password: 's3cret-value-42' }), logger: createLogger({ destination: logs }) });
    const info = JSON.parse(String(readRows(ws.out)[0]!.note)) as Record<string, string> & { env: string[] };
    expect(info.env).toEqual(['DATIVO_TEST_PASSED', 'HOME', 'LANG', 'TAP_REGION', 'TMPDIR']);
    expect(info.cwd).toBe(info.config_dir);
    expect(info.dir_mode).toBe('0o700');
    expect(info.config_mode).toBe('0o600');
    expect(info.secret).toBe('s3cret-value-42'); // in the config file, and nowhere else
    expect(info.limit_as).toMatch(/Max address space\s+1073741824\s+1073741824/);
    expect(info.limit_as).toMatch(/Max cpu time\s+77\s+77/);
    expect(info.status).toMatch(/NoNewPrivs:\s+1/);
    expect(existsSync(info.cwd)).toBe(false);
    expect(logs.records.map((r) => JSON.stringify(r)).join('\n')).not.toContain('s3cret-value-42');
  });
});

describe('airbyte engine messages', () => {
  it('TRACE ERROR transient_error is retried: the second read succeeds', async () => {
    const ws = job('airbyte', {});
    const attempts = join(ws.dir, 'attempts');
    ws.writeJob({ source: { engine_config: { command: [python(), SOURCE] }, config: { mode: 'transient', attempts_file: attempts }, incremental: { strategy: 'cursor', cursor_field: 'id' } }, retries: { max_attempts: 3, base_delay_ms: 10 } });
    const summary = await runJob(ws.job);
    expect(readFileSync(attempts, 'utf8')).toBe('xx');
    expect(summary.records).toBe(3);
    expect(ids(ws)).toEqual([1, 2, 3]);
  });

  it('TRACE ERROR config_error is terminal: one attempt, the message, no state', async () => {
    const ws = job('airbyte', {});
    const attempts = join(ws.dir, 'attempts');
    ws.writeJob({ source: { engine_config: { command: [python(), SOURCE] }, config: { mode: 'config_error', attempts_file: attempts }, incremental: { strategy: 'cursor', cursor_field: 'id' } }, retries: { max_attempts: 3, base_delay_ms: 10 } });
    const err = await failure(runJob(ws.job));
    expect(err).toMatchObject({ code: 'ENGINE_CONFIG_ERROR', retryable: false });
    expect(err?.message).toMatch(/config error: the api_key is not valid/);
    expect(readFileSync(attempts, 'utf8')).toBe('x');
    expect(existsSync(stateFile(ws, 'airbyte'))).toBe(false);
  });

  it("ESTIMATE: the source's row estimate is in the run's progress", async () => {
    const ws = job('airbyte', { mode: 'state_stream' });
    const seen: (number | undefined)[] = [];
    await runJob(ws.job, { onProgress: (p) => seen.push(p.estimatedRecords) });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((n) => n === 3)).toBe(true);
  });

  it('CONTROL: the updated config is written back to engine_config.config_file', async () => {
    const ws = job('airbyte', {});
    const file = ws.write('source-config.json', JSON.stringify({ mode: 'control', refresh_token: 'rotated-1' }));
    ws.writeJob({ source: { engine_config: { command: [python(), SOURCE], config_file: 'source-config.json' }, config: {} } });
    await runJob(ws.job);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ mode: 'control', refresh_token: 'rotated-2' });
  });

  it.each([
    ['state_stream', [{ type: 'STREAM', stream: { stream_descriptor: { name: 'items' }, stream_state: { id: 3 } } }]],
    ['state_global', [{ type: 'GLOBAL', global: { shared_state: { lsn: 3 }, stream_states: [{ stream_descriptor: { name: 'items' }, stream_state: { id: 3 } }] } }]],
    ['state_legacy', { items: { id: 3 } }],
  ])('%s: the state is committed and handed back as the next read\'s state file', async (mode, expected) => {
    const ws = job('airbyte', { mode });
    await runJob(ws.job);
    expect(JSON.parse(JSON.parse(readFileSync(stateFile(ws, 'airbyte'), 'utf8')).checkpoint)).toEqual(expected);
    await runJob(ws.job);
    const notes = readRows(ws.out).map((r) => plain(r).note).filter((n) => n !== null);
    expect(notes.map((n) => JSON.parse(String(n)))).toEqual([expected, expected, expected]);
  });
});
