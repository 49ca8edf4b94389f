import { parseArgs } from 'node:util';
import { runJob, type RunSummary } from '../../pipeline/run-job.js';
import { RunMetrics } from '../../observability/metrics.js';
import { pushMetrics, serveMetrics, writeMetricsFile, type MetricsServer } from '../../observability/metrics-export.js';
import { startTracing } from '../../observability/tracing.js';
import { DagsterPipes } from '../../orchestration/dagster-pipes.js';
import { pipesLogDestination, reportRun } from '../../orchestration/dagster-report.js';
import { planJob } from '../../pipeline/plan.js';
import { createLogger } from '../../logging/logger.js';
import { createOutput, printJson } from '../output.js';
import { UsageError } from '../usage-error.js';
import { pino, type Logger } from 'pino';

export const runHelp = `Usage: dativo-host run JOB.yaml [--json] [--metrics-port [HOST:]PORT]
                        [--metrics-file FILE.prom] [--metrics-push URL]

Runs a job end to end: reads its source through the reader plugin, checks every batch
against the job's data contract, writes Parquet to the target, commits atomically and
saves the incremental state. A failed run commits nothing.

Options:
  --json   print a JSON summary on stdout (status, per stream records, files, bytes,
           duration; on failure the error's code and details)
  --metrics-port [HOST:]PORT   serve Prometheus metrics at http://HOST:PORT/metrics while
           the job runs (HOST defaults to 127.0.0.1; PORT 0 picks a free port, logged)
  --metrics-file FILE.prom     write the run's metrics there when it ends (node_exporter's
           textfile collector; written atomically, also when the run fails)
  --metrics-push URL           push the run's metrics to a Prometheus Pushgateway when it ends
  --help   this text

Traces: set OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_TRACES_EXPORTER) to export OpenTelemetry
spans over OTLP/HTTP (docs/operations.md).
Dagster: launched by Dagster Pipes (DAGSTER_PIPES_CONTEXT), the run's logs, a materialization
per stream and a contract_validation check per stream go to Dagster (docs/operations.md).

Exit codes: 0 the run committed, 1 the run failed, 2 usage or configuration error.
`;

export async function runCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean' },
      help: { type: 'boolean' },
      'metrics-port': { type: 'string' },
      'metrics-file': { type: 'string' },
      'metrics-push': { type: 'string' },
    },
  });
  if (values.help) return void process.stdout.write(runHelp), 0;
  const [job, ...extra] = positionals;
  if (!job || extra.length > 0) throw new UsageError('run takes exactly one JOB.yaml');
  const listen = values['metrics-port'] === undefined ? undefined : parseListen(values['metrics-port']);
  const wantMetrics = listen !== undefined || values['metrics-file'] !== undefined || values['metrics-push'] !== undefined;
  const metrics = wantMetrics ? new RunMetrics() : undefined;
  const pipes = DagsterPipes.open(process.env);
  const out = createOutput();
  const logger = pipes ? createLogger({ destination: pipesLogDestination(pipes, pino.destination({ fd: 2, sync: true })) }) : out.logger;
  const tracing = await startTracing(process.env).catch((e: unknown) => {
    pipes?.close(pipesException(e));
    throw e;
  });
  let server: MetricsServer | undefined;
  let summary: RunSummary | undefined;
  try {
    if (metrics && listen) {
      server = await serveMetrics(metrics, listen);
      logger.info({ metricsUrl: server.url }, `metrics served at ${server.url}`);
    }
    // Under Dagster, the plan first: the report names the contract.
    const plan = pipes ? planJob(job) : undefined;
    summary = await runJob(plan ?? job, { logger, onProgress: out.progress, metrics });
    if (pipes && plan) reportRun(pipes, plan, summary, logger);
    if (values.json) printJson(summary);
    else {
      for (const s of summary.streams) {
        const drift = s.schemaDifferenceCount ? `, ${s.schemaDifferenceCount} schema difference(s) with the contract` : '';
        process.stdout.write(`${s.stream} (${s.disposition}): ${s.records} records${s.invalidRecords ? ` (${s.invalidRecords} not matching the contract)` : ''}${drift}, ${s.files.length} file(s)\n`);
      }
      for (const note of summary.notes) process.stdout.write(`note: ${note}\n`);
      process.stdout.write(`committed run ${summary.runId} in ${(summary.durationMs / 1000).toFixed(2)} s\n`);
    }
    pipes?.close();
    return 0;
  } catch (e) {
    pipes?.close(pipesException(e));
    throw e;
  } finally {
    out.done();
    await tracing?.shutdown();
    if (metrics) await exportMetrics(metrics, values['metrics-file'], values['metrics-push'], logger);
    await server?.close();
  }
}

const pipesException = (e: unknown) => ({ message: String((e as Error)?.message ?? e), name: (e as { code?: string })?.code });

/** `[HOST:]PORT`; the host defaults to 127.0.0.1 (metrics name tenants and jobs: open them on purpose). */
export function parseListen(value: string): { host: string; port: number } {
  const m = /^(?:(.+):)?(\d{1,5})$/.exec(value);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) throw new UsageError(`--metrics-port ${value}: expected PORT or HOST:PORT`);
  return { host: m[1]?.replace(/^\[(.*)\]$/, '$1') ?? '127.0.0.1', port };
}

/** The textfile and the push, whatever the run's outcome; their failure is logged, not the run's. */
async function exportMetrics(metrics: RunMetrics, file: string | undefined, push: string | undefined, log: Logger): Promise<void> {
  try {
    if (file) await writeMetricsFile(metrics, file);
  } catch (e) {
    log.error({ err: e, file }, `could not write the metrics file ${file}`);
  }
  const run = metrics.lastRun;
  if (!push) return;
  if (!run) return void log.warn({ url: push }, 'no run to push metrics for (the job did not start)');
  try {
    await pushMetrics(metrics, push, run);
  } catch (e) {
    log.error({ err: e, url: push }, `could not push the metrics to ${push}`);
  }
}
