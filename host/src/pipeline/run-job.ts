import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { ConfigError, type HostError } from '../errors/index.js';
import { createLogger } from '../logging/logger.js';
import { loadPlugin } from '../runtime/load-plugin.js';
import { loadSource, type SourceReader } from '../engines/source-reader.js';
import { createSecretManager } from '../secrets/create-secret-manager.js';
import type { SecretManager } from '../secrets/secret-manager.js';
import { createStateStore } from '../state/create-state-store.js';
import type { StateStore } from '../state/state-store.js';
import { LocalStore } from '../targets/local-store.js';
import { LocalTarget } from '../targets/local-target.js';
import { acquireRunLock } from '../targets/run-lock.js';
import type { CommitRecord, RunLock, Target } from '../targets/target.js';
import type { IcebergTargetContext } from '../targets/iceberg/create-iceberg-target.js';
import { parquetOutput, type RunOutput } from './run-output.js';
import { runStream, type StreamSummary } from './run-stream.js';
import { toHostPaths } from '../errors/guest-paths.js';
import { mountsOf } from './source-paths.js';
import { writerPluginOutput } from './writer-plugin-output.js';
import { planJob, type RunPlan, type StreamPlan } from './plan.js';
import { sourceConfigKeyFor } from '../config/plugin-config.js';
import type { Progress } from './progress.js';
import { withRetry } from './retry.js';
import { queueBytesPerStream, runParallel, streamParallelism } from './parallel-streams.js';
import { countRetry, observeRun, type RunObservation } from '../observability/run-observation.js';
import type { RunMetrics } from '../observability/metrics.js';

export type { StreamSummary } from './run-stream.js';

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  /** The connector registry file (default: the package's registry/connectors.yaml). */
  registry?: string;
  /** Overrides the secret manager the job names. */
  secrets?: SecretManager;
  /** Overrides the job's state store. */
  state?: StateStore;
  /** Overrides the job's target. */
  target?: Target;
  cacheDir?: string;
  onProgress?: (p: Progress) => void;
  /** Where the run's metrics go (see docs/operations.md); none are kept without it. */
  metrics?: RunMetrics;
}

export interface RunSummary {
  status: 'succeeded';
  runId: string;
  tenant: string;
  job: string;
  durationMs: number;
  records: number;
  bytesIn: number;
  bytesWritten: number;
  streams: StreamSummary[];
  /** Runs whose interrupted commit this run finished first. */
  recovered: string[];
  /** What the user should know about the job as written (e.g. each run reloads all rows). */
  notes: string[];
  /** The state backend, and the streams whose state this run took from the file store (from where). */
  state: { backend: string; migrated: Record<string, string> };
}

/** Sortable and unique: 20261125T091500Z-a1b2c3. */
export const newRunId = (): string => `${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}Z-${randomBytes(3).toString('hex')}`;

/**
 * Runs a job: for each stream, its own reader -> bytes-bounded queue -> schema check and
 * contract validation -> Parquet writer -> staged files; then one atomic commit of every
 * stream -> state checkpoints (only after the commit). Streams run side by side, up to
 * max_parallel_streams (parallel-streams.ts). One run of a job at a time (a lock on the
 * target). Throws a typed HostError when the job fails; nothing of a failed run is visible.
 */
export function runJob(jobOrPlan: string | RunPlan, opts: RunOptions = {}): Promise<RunSummary> {
  return observeRun(opts.metrics, (obs) => runObserved(jobOrPlan, opts, obs));
}

async function runObserved(jobOrPlan: string | RunPlan, opts: RunOptions, obs: RunObservation): Promise<RunSummary> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const plan = typeof jobOrPlan === 'string' ? planJob(jobOrPlan, { env: opts.env, registry: opts.registry }) : jobOrPlan;
  const { job } = plan;
  const scope = { tenant: job.tenant_id, job: job.name };
  const runId = newRunId();
  const log = (opts.logger ?? createLogger()).child({ tenant: job.tenant_id, job: job.name, run: runId, ...obs.begin(job.tenant_id, job.name, runId) });
  for (const note of plan.notes) log.warn({ note }, note);
  const secrets = opts.secrets ?? createSecretManager(job.secrets, job.file, opts.env);
  const target = job.paths.targetPlugin ? undefined : (opts.target ?? (await createTarget(plan, { secrets, log })));
  const ownState = opts.state ? undefined : await createStateStore(job, { target, secrets, log, newRunId });
  const state: StateStore = opts.state ?? ownState!;

  const saveCheckpoints = async (record: CommitRecord) => {
    if (state.savedByCommit) return; // state.backend target: the manifest holds them
    for (const [stream, checkpoint] of Object.entries(record.checkpoints)) {
      await state.put(record.tenant, record.job, stream, { checkpoint, runId: record.runId, updatedAt: new Date().toISOString() });
    }
  };
  const pluginOptions = { policy: job.capabilityPolicy, secrets, env: opts.env, logger: log, cacheDir: opts.cacheDir };

  // Output: a writer plugin, or the built-in Parquet writer on a target (finishing any
  // commit a crash interrupted before this run starts). Either way the job's lock first.
  let output: RunOutput;
  let recovered: CommitRecord[] = [];
  let lock: RunLock | undefined;
  let closeWriter = async () => {};
  try {
    if (!target) {
      // A writer plugin (job.paths.targetPlugin).
      lock = await acquireRunLock(new LocalStore(job.paths.stateDir), scope, runId);
      const bindings: Record<string, string> = {};
      if (job.paths.localTarget) {
        await mkdir(job.paths.localTarget, { recursive: true });
        bindings['/out'] = job.paths.localTarget;
      }
      const writer = await (await loadPlugin({ manifest: job.paths.targetPlugin!, bindings, ...pluginOptions })).openWriter();
      closeWriter = () => writer.close();
      output = await writerPluginOutput(writer, job.target.config, (l) => toHostPaths(l, mountsOf(bindings)));
    } else {
      lock = await target.lock(scope, runId);
      recovered = await target.recover(scope, saveCheckpoints);
      for (const r of recovered) log.warn({ recoveredRun: r.runId }, `finished the commit of interrupted run ${r.runId}`);
      const staging = await target.beginRun(runId, scope);
      // Iceberg (target.catalog): the catalog client and Avro are loaded only by jobs that use them.
      const iceberg = job.target.catalog && (await import('../targets/iceberg/iceberg-output.js'));
      output = iceberg && iceberg.isIcebergTarget(target) ? iceberg.icebergOutput(job, target, staging, scope) : parquetOutput(job, target, staging);
    }
  } catch (e) {
    await closeWriter();
    await lock?.release();
    await ownState?.close();
    throw e;
  }

  const readers: SourceReader[] = [];
  try {
    const parallel = streamParallelism(job.max_parallel_streams, plan.streams.length);
    const queueMaxBytes = queueBytesPerStream(job.queue_max_bytes, parallel);
    const pluginNames = new Map<string, string>();
    log.info({ output: output.description, streams: plan.streams.map((s) => s.name), parallelStreams: parallel }, 'run started');
    const streams: StreamSummary[] = await runParallel(plan.streams, parallel, async (s, signal) => {
      // Each stream its own reader, bound to its own files only.
      const slog = log.child({ stream: s.name });
      const plugin = await loadSource(plan, s, { ...pluginOptions, logger: slog });
      pluginNames.set(s.name, plugin.manifest.name);
      return obs.stream(s.name, plugin.manifest.name, async () => {
        const reader = await withRetry(() => plugin.openReader(), retryOpts(plan, slog, 'instantiate'));
        readers.push(reader);
        // Another stream failed: this reader stops now, even in the middle of a call.
        const stop = () => void reader.close();
        signal.addEventListener('abort', stop, { once: true });
        signal.throwIfAborted();
        reader.configKeyOf = configKeyOf(plan, s);
        await withRetry(() => reader.check(s.config), retryOpts(plan, slog, 'check'));
        const onProgress = (p: Progress) => {
          opts.onProgress?.(p);
          obs.metrics?.progress(obs.labels(s.name, plugin.manifest.name), p);
        };
        const summary = await runStream({ plan, stream: s, reader, output, state, log: slog, onProgress, queueMaxBytes, signal });
        signal.removeEventListener('abort', stop);
        return summary;
      });
    });
    const record: CommitRecord = {
      runId,
      tenant: job.tenant_id,
      job: job.name,
      startedAt,
      files: streams.flatMap((s) => s.files),
      checkpoints: Object.fromEntries(streams.flatMap((s) => (s.checkpoint === undefined ? [] : [[s.stream, s.checkpoint]]))),
      replaced: plan.streams.filter((s) => s.disposition === 'replace').flatMap((s) => [s.name, `_rejected/${s.name}`]),
    };
    const files = await obs.commit(() => output.commit(record, saveCheckpoints));
    const summary: RunSummary = {
      status: 'succeeded',
      runId,
      tenant: job.tenant_id,
      job: job.name,
      durationMs: performance.now() - started,
      records: streams.reduce((n, s) => n + s.records, 0),
      bytesIn: streams.reduce((n, s) => n + s.bytesIn, 0),
      bytesWritten: files.reduce((n, f) => n + f.bytes, 0),
      streams: streams.map((s) => ({ ...s, files: files.filter((f) => f.stream === s.stream || f.stream === `_rejected/${s.stream}`) })),
      recovered: recovered.map((r) => r.runId),
      notes: plan.notes,
      state: { backend: ownState?.backend ?? 'custom', migrated: Object.fromEntries(ownState?.migrated ?? []) },
    };
    for (const s of summary.streams) {
      obs.metrics?.streamDone(obs.labels(s.stream, pluginNames.get(s.stream)), { invalidRecords: s.invalidRecords, bytesWritten: s.files.reduce((n, f) => n + f.bytes, 0) });
    }
    log.info({ records: summary.records, files: files.length, durationMs: Math.round(summary.durationMs) }, 'run committed');
    return summary;
  } catch (e) {
    const kept = (await output.abort()) === 'kept';
    log.error(
      { err: e, code: (e as HostError).code },
      kept ? 'run failed past its commit point; the next run finishes its commit' : 'run failed; nothing was committed',
    );
    throw e;
  } finally {
    for (const r of readers) await r.close();
    await closeWriter();
    await lock.release();
    await ownState?.close();
    if (!opts.secrets) secrets.close?.();
  }
}

/** Names the job key a refused plugin config key came from (the stream's files, the recipe's defaults). */
export const configKeyOf = (plan: RunPlan, s: StreamPlan) =>
  sourceConfigKeyFor({ jobConfig: plan.job.source.config, recipe: plan.source.recipe, filesKey: s.filesKey });

export async function createTarget(plan: Pick<RunPlan, 'job'>, ctx: IcebergTargetContext = {}): Promise<Target> {
  const { job } = plan;
  if (job.target.catalog || job.target_connector === 'iceberg') return (await import('../targets/iceberg/create-iceberg-target.js')).createIcebergTarget(job, ctx);
  if (job.paths.localTarget) return new LocalTarget(job.paths.localTarget);
  const conn = job.target.connection;
  // The AWS SDK is loaded only by jobs that write to S3 (~100 ms of start-up).
  if (conn && 's3' in conn) return new (await import('../targets/s3-target.js')).S3Target(conn.s3);
  throw new ConfigError('CONFIG_INVALID', `${job.file}: target.connection: a local path or an s3 bucket is needed`, {
    details: { file: job.file, key: 'target.connection' },
  });
}

const retryOpts = (plan: RunPlan, log: Logger, what: string) => ({
  maxAttempts: plan.job.retries.max_attempts,
  baseDelayMs: plan.job.retries.base_delay_ms,
  onRetry: (attempt: number, delayMs: number, error: unknown) => {
    countRetry(what);
    log.warn({ attempt, delayMs: Math.round(delayMs), code: (error as HostError).code, err: error }, `${what} failed, retrying`);
  },
});
