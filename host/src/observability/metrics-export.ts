/**
 * Where a run's metrics go from the CLI: an HTTP endpoint scraped during the run
 * (--metrics-port), a textfile for node_exporter's textfile collector written when the run
 * ends (--metrics-file), and a Prometheus Pushgateway (--metrics-push).
 */
import { createServer, type Server } from 'node:http';
import { rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Pushgateway } from 'prom-client';
import type { RunMetrics } from './metrics.js';

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

/** Serves GET /metrics (Prometheus text format) until closed. */
export async function serveMetrics(metrics: RunMetrics, listen: { host: string; port: number }): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '/').split('?')[0] !== '/metrics') {
      res.writeHead(404).end('not found: GET /metrics\n');
      return;
    }
    metrics.text().then(
      (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      (e: unknown) => res.writeHead(500).end(String(e)),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => resolve());
  });
  server.unref(); // the run decides when the process ends
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : listen.port;
  const host = listen.host.includes(':') ? `[${listen.host}]` : listen.host;
  return {
    url: `http://${host}:${port}/metrics`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/**
 * Writes the textfile atomically (a temporary file in the same folder, then a rename), so
 * that the collector never reads half a file. node_exporter reads only `*.prom` files.
 */
export async function writeMetricsFile(metrics: RunMetrics, file: string): Promise<void> {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  await writeFile(tmp, await metrics.text());
  await rename(tmp, file);
}

/**
 * Pushes the run's metrics (PUT: replaces the group's earlier ones) to a Pushgateway,
 * grouped by job "dativo-host", tenant and job_name.
 */
export async function pushMetrics(metrics: RunMetrics, url: string, group: { tenant: string; job_name: string }): Promise<void> {
  const gateway = new Pushgateway(url, { timeout: 10_000 }, metrics.registry);
  await gateway.push({ jobName: 'dativo-host', groupings: { tenant: group.tenant, job_name: group.job_name } });
}
