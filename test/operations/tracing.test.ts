/** OpenTelemetry traces over OTLP/HTTP, configured by OTEL_* variables: received by a loopback collector. */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/fixtures.js';
import { streamsWorkspace } from './streams-workspace.js';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: { key: string; value: { stringValue?: string; intValue?: string } }[];
  status?: { code?: number };
}

/** A collector's /v1/traces on loopback: every span of every request (OTLP JSON). */
async function startCollector() {
  const spans: OtlpSpan[] = [];
  const resources: Record<string, string>[] = [];
  const paths: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      paths.push(`${req.method} ${req.url} ${req.headers['content-type']}`);
      const payload = JSON.parse(body) as { resourceSpans: { resource: { attributes: OtlpSpan['attributes'] }; scopeSpans: { spans: OtlpSpan[] }[] }[] };
      for (const rs of payload.resourceSpans) {
        resources.push(Object.fromEntries(rs.resource.attributes.map((a) => [a.key, a.value.stringValue ?? ''])));
        for (const ss of rs.scopeSpans) spans.push(...ss.spans);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    resources,
    paths,
    close: () => new Promise((r) => server.close(r)),
  };
}

/** Runs the CLI with only the given OTEL_* variables (none inherited). */
function cli(args: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; logs: Record<string, unknown>[] }> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OTEL_')));
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'test/helpers/cli.ts'), ...args], {
    cwd: REPO,
    env: { ...base, DATIVO_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) =>
    child.on('close', (status) => {
      const logs = stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
      resolve({ status, stdout, logs });
    }),
  );
}

const attr = (s: OtlpSpan, key: string) => s.attributes.find((a) => a.key === key)?.value.stringValue;

describe('tracing', () => {
  it('exports a span per run, stream, plugin call and commit, linked parent to child; log lines carry the trace id', async () => {
    const collector = await startCollector();
    try {
      const ws = streamsWorkspace(2);
      for (const s of ws.streams) ws.writeCsv(s, 5000);
      ws.writeJob({ max_parallel_streams: 2, source: { config: { batch_rows: 1000 } } });
      const run = await cli(['run', ws.job, '--json'], { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_SERVICE_NAME: 'ingest-test' });
      expect(run.status).toBe(0);
      const { runId } = JSON.parse(run.stdout) as { runId: string };

      expect(collector.paths.every((p) => p.startsWith('POST /v1/traces application/json'))).toBe(true);
      expect(collector.resources[0]?.['service.name']).toBe('ingest-test');
      const spans = collector.spans;
      const runs = spans.filter((s) => s.name === 'dativo.run');
      expect(runs).toHaveLength(1);
      const root = runs[0]!;
      expect(root.parentSpanId ?? '').toBe('');
      expect(attr(root, 'dativo.run_id')).toBe(runId);
      expect(spans.every((s) => s.traceId === root.traceId)).toBe(true);

      const streams = spans.filter((s) => s.name === 'dativo.stream');
      expect(streams.map((s) => attr(s, 'dativo.stream')).sort()).toEqual(['s1', 's2']);
      for (const st of streams) {
        expect(st.parentSpanId).toBe(root.spanId);
        const calls = spans.filter((s) => s.parentSpanId === st.spanId);
        const names = calls.map((s) => s.name);
        expect(names).toContain('dativo.plugin reader.check');
        expect(names).toContain('dativo.plugin reader.open');
        expect(names.filter((n) => n === 'dativo.plugin extraction.next')).toHaveLength(6); // 5 batches, then none
        expect(calls.every((c) => attr(c, 'dativo.plugin') === 'csv-reader' && attr(c, 'dativo.stream') === attr(st, 'dativo.stream'))).toBe(true);
      }
      const commits = spans.filter((s) => s.name === 'dativo.commit');
      expect(commits).toHaveLength(1);
      expect(commits[0]!.parentSpanId).toBe(root.spanId);

      // Every line of the run (host and plugin) names the trace.
      const runLines = run.logs.filter((l) => l.run === runId);
      expect(runLines.length).toBeGreaterThan(3);
      expect(runLines.filter((l) => l.trace_id !== root.traceId)).toEqual([]);
    } finally {
      await collector.close();
    }
  });

  it('a failed stream is a span with an error status and the error code', async () => {
    const collector = await startCollector();
    try {
      const ws = streamsWorkspace(1);
      ws.writeCsv('s1', 10, [3]);
      ws.writeJob();
      const run = await cli(['run', ws.job], { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${collector.url}/v1/traces` });
      expect(run.status).toBe(1);
      for (const name of ['dativo.run', 'dativo.stream']) {
        const s = collector.spans.find((x) => x.name === name);
        expect(s?.status?.code).toBe(2); // STATUS_CODE_ERROR
        expect(attr(s!, 'dativo.error.code')).toBe('DATA_VALIDATION_FAILED');
      }
    } finally {
      await collector.close();
    }
  });

  it('is off with no OTEL_* variable, or with OTEL_SDK_DISABLED=true: nothing sent, no trace id logged', async () => {
    const collector = await startCollector();
    try {
      const ws = streamsWorkspace(1);
      ws.writeCsv('s1', 10);
      ws.writeJob();
      const off = await cli(['run', ws.job], {});
      expect(off.status).toBe(0);
      expect(off.logs.filter((l) => l.trace_id !== undefined)).toEqual([]);
      const disabled = await cli(['run', ws.job], { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_SDK_DISABLED: 'true' });
      expect(disabled.status).toBe(0);
      expect(collector.paths).toEqual([]);
      expect(disabled.logs.filter((l) => l.trace_id !== undefined)).toEqual([]);
    } finally {
      await collector.close();
    }
  });

  it('refuses an OTLP protocol it does not send (exit 2, naming the variable)', async () => {
    const ws = streamsWorkspace(1);
    ws.writeCsv('s1', 10);
    ws.writeJob();
    const run = await cli(['run', ws.job], { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' });
    expect(run.status).toBe(2);
  });
});
