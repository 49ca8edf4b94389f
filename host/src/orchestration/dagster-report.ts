/**
 * What a run tells Dagster through Pipes: an asset materialization per stream (records,
 * bytes, files, contract, checkpoint, run id) and an asset check of contract validation;
 * and every log line of the run, as Pipes log messages.
 */
import type { DestinationStream, Logger } from 'pino';
import type { RunPlan } from '../pipeline/plan.js';
import type { RunSummary } from '../pipeline/run-job.js';
import { pipesLevel, type DagsterPipes, type PipesMetadata } from './dagster-pipes.js';

/** The stream's asset among those Dagster launched for: `<tenant>/<job>/<stream>`, else the one ending in `/<stream>`. */
export function assetKeyFor(assetKeys: string[] | null, tenant: string, job: string, stream: string): string | undefined {
  const keys = assetKeys ?? [];
  const exact = `${tenant}/${job}/${stream}`;
  if (keys.includes(exact)) return exact;
  const ending = keys.filter((k) => k === stream || k.endsWith(`/${stream}`));
  return ending.length === 1 ? ending[0] : undefined;
}

export const CONTRACT_CHECK = 'contract_validation';

export function reportRun(pipes: DagsterPipes, plan: RunPlan, summary: RunSummary, log: Logger): void {
  const int = (raw_value: number) => ({ raw_value, type: 'int' as const });
  const text = (raw_value: string | undefined) => (raw_value === undefined ? { raw_value: null, type: 'null' as const } : { raw_value, type: 'text' as const });
  for (const s of summary.streams) {
    const key = assetKeyFor(pipes.context.asset_keys, summary.tenant, summary.job, s.stream);
    if (!key) {
      log.warn({ assetKeys: pipes.context.asset_keys }, `Dagster launched no asset for stream ${s.stream}: its materialization is not reported`);
      continue;
    }
    const metadata: PipesMetadata = {
      records: int(s.records),
      bytes: int(s.files.reduce((n, f) => n + f.bytes, 0)),
      files: int(s.files.length),
      invalid_records: int(s.invalidRecords),
      contract_id: text(plan.contract.id),
      contract_version: text(plan.contract.version),
      checkpoint: text(s.checkpoint),
      run_id: text(summary.runId),
    };
    pipes.materialization(key, metadata);
    const failedRules = s.rules.filter((r) => r.status !== 'passed');
    // strict mode fails the run on an invalid row, so a reported check is warn mode's count.
    pipes.check(key, CONTRACT_CHECK, s.invalidRecords === 0 && failedRules.length === 0, 'WARN', {
      invalid_records: int(s.invalidRecords),
      schema_differences: int(s.schemaDifferenceCount),
      failures_by_rule: { raw_value: s.failuresByRule, type: 'json' },
      mode: text(plan.job.schema_validation_mode),
    });
  }
}

/** A log destination that writes to `inner` and sends each line to Dagster as a Pipes log message. */
export function pipesLogDestination(pipes: DagsterPipes, inner: DestinationStream): DestinationStream {
  return {
    write(line: string) {
      inner.write(line);
      for (const part of line.split('\n')) {
        if (!part.trim()) continue;
        try {
          const r = JSON.parse(part) as Record<string, unknown>;
          const where = typeof r.stream === 'string' ? `[${r.stream}] ` : '';
          // An error line says what failed: its stable code and message (pino keeps them under err).
          const err = r.err as { message?: string } | undefined;
          const code = typeof r.code === 'string' ? ` [${r.code}]` : '';
          const why = err?.message && r.level !== 'info' ? `: ${err.message}` : '';
          pipes.log(pipesLevel(r.level), `${where}${String(r.msg ?? '')}${code}${why}`);
        } catch {
          pipes.log('INFO', part);
        }
      }
    },
  };
}
