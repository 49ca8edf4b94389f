/** Prometheus metrics of a run: scraped from --metrics-port during the run, the textfile after it, a Pushgateway push. */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunMetrics } from '../../host/src/observability/metrics.js';
import { observeRun } from '../../host/src/observability/run-observation.js';
import { fixture, REPO, writeManifest } from '../helpers/fixtures.js';
import { jobWorkspace } from '../helpers/job.js';
import { runJob } from '../../host/src/pipeline/run-job.js';
import { createLogger, MemoryLogDestination } from '../../host/src/logging/logger.js';
import { runProbe } from '../helpers/probe.js';
import { parsePromText } from './prom-text.js';
import { streamsWorkspace } from './streams-workspace.js';

interface CliRun {
  status: number | null;
  stdout: string;
  logs: Record<string, unknown>[];
}

/** Starts `dativo-host ARGS`; `onLog` sees each JSON log line as it comes. */
function startCli(args: string[], env: Record<string, string> = {}, onLog: (r: Record<string, unknown>) => void = () => {}): Promise<CliRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'test/helpers/cli.ts'), ...args], {
    cwd: REPO,
    env: { ...process.env, DATIVO_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let pending = '';
  const logs: Record<string, unknown>[] = [];
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    const lines = (pending + d.toString()).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      const r = JSON.parse(line) as Record<string, unknown>;
      logs.push(r);
      onLog(r);
    }
  });
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, logs })));
}

const scrape = async (url: string) => parsePromText(await (await fetch(url)).text());

describe('metrics', () => {
  it('--metrics-port is scraped during the run; --metrics-file holds the run when it ends', async () => {
    const ws = streamsWorkspace(2);
    const rows = 600_000;
    for (const s of ws.streams) ws.writeCsv(s, rows);
    ws.writeJob({ max_parallel_streams: 2 });
    const file = join(ws.dir, 'dativo.prom');
    let url: string | undefined;
    let exited = false;
    const scrapes: ReturnType<typeof parsePromText>[] = [];
    const polling = (async () => {
      while (!exited) {
        if (url) scrapes.push(await scrape(url).catch(() => parsePromText('')));
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const run = await startCli(['run', ws.job, '--json', '--metrics-port', '0', '--metrics-file', file], {}, (r) => {
      if (typeof r.metricsUrl === 'string') url = r.metricsUrl;
    });
    exited = true;
    await polling;
    expect(run.status).toBe(0);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);

    // Scraped while the streams were being read: some records, not all of them yet.
    const labels = { tenant: 'acme', job_name: 'ops', plugin: 'csv-reader' };
    const during = scrapes.filter((p) => p.find('dativo_streams_running').some((s) => s.value > 0));
    expect(during.length).toBeGreaterThan(0);
    const midway = during.map((p) => p.sum('dativo_records_total', labels)).filter((n) => n > 0 && n < 2 * rows);
    expect(midway.length).toBeGreaterThan(0);
    expect(during[0]!.types['dativo_plugin_call_duration_seconds']).toBe('histogram');

    // The textfile: the whole run.
    const summary = JSON.parse(run.stdout) as { runId: string; streams: { stream: string; records: number; batches: number; bytesIn: number; files: { bytes: number }[] }[] };
    const text = parsePromText(readFileSync(file, 'utf8'));
    for (const s of summary.streams) {
      const l = { ...labels, stream: s.stream };
      expect(text.sum('dativo_records_total', l)).toBe(rows);
      expect(text.sum('dativo_batches_total', l)).toBe(s.batches);
      expect(text.sum('dativo_bytes_read_total', l)).toBe(s.bytesIn);
      expect(text.sum('dativo_bytes_written_total', l)).toBe(s.files.reduce((n, f) => n + f.bytes, 0));
      expect(text.sum('dativo_plugin_call_duration_seconds_count', { ...l, call: 'extraction.next' })).toBe(s.batches + 1); // the last says "no more"
      expect(text.sum('dativo_plugin_call_duration_seconds_count', { ...l, call: 'reader.open' })).toBe(1);
      expect(text.sum('dativo_queue_bytes', l)).toBe(0);
    }
    expect(text.sum('dativo_run_status', { tenant: 'acme', job_name: 'ops', status: 'succeeded' })).toBe(1);
    expect(text.sum('dativo_run_status', { tenant: 'acme', job_name: 'ops', status: 'failed' })).toBe(0);
    expect(text.sum('dativo_runs_total', { status: 'succeeded' })).toBe(1);
    expect(text.sum('dativo_run_duration_seconds')).toBeGreaterThan(0);
    expect(text.sum('dativo_streams_running')).toBe(0);
  });

  it('a failed run writes its textfile too, with status failed', async () => {
    const ws = streamsWorkspace(1);
    ws.writeCsv('s1', 100, [50]);
    ws.writeJob();
    const file = join(ws.dir, 'dativo.prom');
    const run = await startCli(['run', ws.job, '--metrics-file', file]);
    expect(run.status).toBe(1);
    expect(existsSync(file)).toBe(true);
    const text = parsePromText(readFileSync(file, 'utf8'));
    expect(text.sum('dativo_run_status', { status: 'failed' })).toBe(1);
    expect(text.sum('dativo_run_status', { status: 'succeeded' })).toBe(0);
    expect(text.sum('dativo_runs_total', { status: 'failed' })).toBe(1);
  });

  it('--metrics-push PUTs the run to a Pushgateway, grouped by tenant and job', async () => {
    const pushes: { method: string; url: string; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        pushes.push({ method: req.method ?? '', url: req.url ?? '', body });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const ws = streamsWorkspace(1);
      ws.writeCsv('s1', 1000);
      ws.writeJob();
      const run = await startCli(['run', ws.job, '--metrics-push', `http://127.0.0.1:${(server.address() as AddressInfo).port}`]);
      expect(run.status).toBe(0);
      expect(pushes.map((p) => `${p.method} ${p.url}`)).toEqual(['PUT /metrics/job/dativo-host/tenant/acme/job_name/ops']);
      const text = parsePromText(pushes[0]!.body);
      expect(text.sum('dativo_records_total', { stream: 's1' })).toBe(1000);
      expect(text.sum('dativo_run_status', { status: 'succeeded' })).toBe(1);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('counts retries of a run by stream, plugin and operation', async () => {
    const ws = jobWorkspace(10);
    // The probe as the job's reader: its check fails with a retryable error, every time.
    const probe = writeManifest(fixture('rust', 'probe-reader'), { name: 'probe-rust', capabilities: { filesystem: [{ guest: '/data', access: 'read' }] } });
    const fail = { action: 'fail', kind: 'connection', code: 'PROBE_DOWN', message: 'down', retryable: true };
    ws.writeJob({ source: { plugin: probe, objects: ['orders'], files: ['data/orders.csv'], config: fail }, retries: { max_attempts: 3, base_delay_ms: 1 } });
    const metrics = new RunMetrics();
    const logger = createLogger({ destination: new MemoryLogDestination() });
    const err = await runJob(ws.jobFile, { metrics, logger }).then(() => undefined, (e: { retryable?: boolean }) => e);
    expect(err?.retryable).toBe(true);
    const text = parsePromText(await metrics.text());
    expect(text.sum('dativo_retries_total', { tenant: 'acme', stream: 'orders', plugin: 'probe-rust', operation: 'check' })).toBe(2);
    expect(text.sum('dativo_plugin_call_duration_seconds_count', { stream: 'orders', call: 'reader.check', outcome: 'error' })).toBe(3);
    expect(text.sum('dativo_run_status', { status: 'failed' })).toBe(1);
  });

  it('counts capability denials by plugin and capability', async () => {
    const metrics = new RunMetrics();
    const outcome = await observeRun(metrics, (run) => {
      run.begin('acme', 'probe-job', 'r1');
      return run.stream('probe', 'probe-rust', () => runProbe({ action: 'http-get', url: 'http://127.0.0.1:9/' }));
    });
    expect(outcome.error?.code).toBe('CAPABILITY_DENIED');
    const text = parsePromText(await metrics.text());
    expect(text.sum('dativo_capability_denials_total', { tenant: 'acme', job_name: 'probe-job', stream: 'probe', plugin: 'probe-rust', capability: 'http' })).toBe(1);
  });
});
