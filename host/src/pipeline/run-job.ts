import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { validateBatch, type ContractObject } from '../contracts/index.js';
import { ConfigError, type HostError } from '../errors/index.js';
import { createLogger } from '../logging/logger.js';
import { loadPlugin } from '../runtime/load-plugin.js';
import type { ReaderClient } from '../runtime/reader-client.js';
import type { Batch } from '../runtime/plugin-types.js';
import { createSecretManager } from '../secrets/create-secret-manager.js';
import type { SecretManager } from '../secrets/secret-manager.js';
import { FileStateStore, type StateStore } from '../state/state-store.js';
import { LocalTarget } from '../targets/local-target.js';
import type { CommitRecord, CommittedFile, Target } from '../targets/target.js';
import { parquetOutput, type RunOutput } from './run-output.js';
import { writerPluginOutput } from './writer-plugin-output.js';
import { BoundedQueue } from './bounded-queue.js';
import { decodeBatch } from './decode.js';
import { planJob, type RunPlan } from './plan.js';
import type { Progress } from './progress.js';
import { backoffDelay, withRetry } from './retry.js';

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
}

export interface StreamSummary {
  stream: string;
  records: number;
  invalidRecords: number;
  batches: number;
  bytesIn: number;
  files: CommittedFile[];
  checkpoint?: string;
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
}

/** Sortable and unique: 20261125T091500Z-a1b2c3. */
export const newRunId = (): string => `${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}Z-${randomBytes(3).toString('hex')}`;

/**
 * Runs a job: reader -> bytes-bounded queue -> contract validation -> Parquet writer
 * -> staged files -> atomic commit -> state checkpoint (only after the commit).
 * Throws a typed HostError when the job fails; nothing of a failed run is visible.
 */
export async function runJob(jobOrPlan: string | RunPlan, opts: RunOptions = {}): Promise<RunSummary> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const plan = typeof jobOrPlan === 'string' ? planJob(jobOrPlan, { env: opts.env, registry: opts.registry }) : jobOrPlan;
  const { job } = plan;
  const runId = newRunId();
  const log = (opts.logger ?? createLogger()).child({ tenant: job.tenant_id, job: job.name, run: runId });
  const state = opts.state ?? new FileStateStore(job.paths.stateDir);

  const saveCheckpoints = async (record: CommitRecord) => {
    for (const [stream, checkpoint] of Object.entries(record.checkpoints)) {
      await state.put(record.tenant, record.job, stream, { checkpoint, runId: record.runId, updatedAt: new Date().toISOString() });
    }
  };
  const secrets = opts.secrets ?? createSecretManager(job.secrets, job.file, opts.env);
  const pluginOptions = { policy: job.capabilityPolicy, secrets, env: opts.env, logger: log, cacheDir: opts.cacheDir };

  // Output: a writer plugin, or the built-in Parquet writer on a target (finishing any
  // commit a crash interrupted before this run starts).
  let output: RunOutput;
  let recovered: CommitRecord[] = [];
  let closeWriter = async () => {};
  if (job.paths.targetPlugin) {
    const bindings: Record<string, string> = {};
    if (job.paths.localTarget) {
      await mkdir(job.paths.localTarget, { recursive: true });
      bindings['/out'] = job.paths.localTarget;
    }
    const writer = await (await loadPlugin({ manifest: job.paths.targetPlugin, bindings, ...pluginOptions })).openWriter();
    closeWriter = () => writer.close();
    output = await writerPluginOutput(writer, job.target.config);
  } else {
    const target = opts.target ?? (await createTarget(plan));
    recovered = await target.recover(saveCheckpoints);
    for (const r of recovered) log.warn({ recoveredRun: r.runId }, `finished the commit of interrupted run ${r.runId}`);
    output = parquetOutput(job, target, await target.beginRun(runId));
  }

  let reader: ReaderClient | undefined;
  try {
    const plugin = await loadPlugin({
      manifest: plan.source.plugin,
      bindings: plan.source.bindings,
      ...pluginOptions,
    });
    reader = await withRetry(() => plugin.openReader(), retryOpts(plan, log, 'instantiate'));
    log.info({ output: output.description, streams: plan.streams.map((s) => s.name) }, 'run started');
    const opened = reader;
    await withRetry(() => opened.check(plan.source.config), retryOpts(plan, log, 'check'));
    const streams: StreamSummary[] = [];
    for (const s of plan.streams) {
      streams.push(await runStream(plan, s.name, s.object, reader, output, state, log.child({ stream: s.name }), opts.onProgress));
    }
    const record: CommitRecord = {
      runId,
      tenant: job.tenant_id,
      job: job.name,
      startedAt,
      files: streams.flatMap((s) => s.files),
      checkpoints: Object.fromEntries(streams.flatMap((s) => (s.checkpoint === undefined ? [] : [[s.stream, s.checkpoint]]))),
    };
    await output.commit(record, saveCheckpoints);
    const summary: RunSummary = {
      status: 'succeeded',
      runId,
      tenant: job.tenant_id,
      job: job.name,
      durationMs: performance.now() - started,
      records: streams.reduce((n, s) => n + s.records, 0),
      bytesIn: streams.reduce((n, s) => n + s.bytesIn, 0),
      bytesWritten: record.files.reduce((n, f) => n + f.bytes, 0),
      streams,
      recovered: recovered.map((r) => r.runId),
    };
    log.info({ records: summary.records, files: record.files.length, durationMs: Math.round(summary.durationMs) }, 'run committed');
    return summary;
  } catch (e) {
    await output.abort();
    log.error({ err: e, code: (e as HostError).code }, 'run failed; nothing was committed');
    throw e;
  } finally {
    await reader?.close();
    await closeWriter();
  }
}

async function createTarget(plan: RunPlan): Promise<Target> {
  const { job } = plan;
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
  onRetry: (attempt: number, delayMs: number, error: unknown) =>
    log.warn({ attempt, delayMs: Math.round(delayMs), code: (error as HostError).code, err: error }, `${what} failed, retrying`),
});

async function runStream(
  plan: RunPlan,
  stream: string,
  object: ContractObject,
  reader: ReaderClient,
  output: RunOutput,
  state: StateStore,
  log: Logger,
  onProgress?: (p: Progress) => void,
): Promise<StreamSummary> {
  const { job } = plan;
  const started = performance.now();
  const committed = await state.get(job.tenant_id, job.name, stream);
  const writer = await output.openStream(stream, object);
  const queue = new BoundedQueue<Batch>(job.queue_max_bytes);
  const summary: StreamSummary = { stream, records: 0, invalidRecords: 0, batches: 0, bytesIn: 0, files: [], checkpoint: committed?.checkpoint };
  log.info({ checkpoint: committed?.checkpoint ?? null }, committed ? 'resuming from the last committed checkpoint' : 'reading from the start');

  // Producer: pulls batches from the plugin while the queue has room.
  const producer = (async () => {
    try {
      for await (const batch of readWithReopen(plan, reader, stream, object, committed?.checkpoint, log)) await queue.push(batch, batch.bytes.byteLength);
      queue.close();
    } catch (e) {
      queue.fail(e);
    }
  })();

  // Consumer: validates and writes, in order.
  try {
    let warned = 0;
    for (let batch = await queue.shift(); batch; batch = await queue.shift()) {
      const decoded = [...decodeBatch(batch, object)];
      for (const rb of decoded) {
        const v = validateBatch(rb, object, { mode: job.schema_validation_mode, stream, rowOffset: summary.records });
        summary.invalidRecords += v.invalidRows;
        for (const issue of v.issues) if (warned++ < 20) log.warn({ issue }, 'row does not match the contract (kept: schema_validation_mode warn)');
        // The plugin's bytes already encode a batch validation left as it was.
        const reusable = batch.encoding === 'arrow-ipc-stream' && decoded.length === 1 && v.sameLayout;
        await writer.write(v.batch, reusable ? batch.bytes : undefined);
        summary.records += rb.numRows;
      }
      summary.batches++;
      summary.bytesIn += batch.bytes.byteLength;
      if (batch.checkpoint !== undefined) summary.checkpoint = batch.checkpoint;
      onProgress?.({ stream, records: summary.records, bytes: summary.bytesIn, elapsedMs: performance.now() - started });
    }
  } catch (e) {
    queue.close();
    throw e;
  } finally {
    await producer;
  }
  summary.files = await writer.finish();
  if (summary.invalidRecords > 0) log.warn({ invalidRecords: summary.invalidRecords }, `${summary.invalidRecords} rows did not match the contract and were kept`);
  log.info({ records: summary.records, files: summary.files.length, queuePeakBytes: queue.peakBytes }, 'stream done');
  return summary;
}

/**
 * The schema handed to the reader: it types the columns, but every field is optional,
 * because the contract (strict or warn) is the host's to enforce, after the boundary.
 */
const readerSchema = (object: ContractObject): Record<string, unknown> => ({ ...object.jsonSchema, required: [] });

/**
 * The stream's batches. A transient (retryable) plugin error is retried by reopening
 * the extraction at the last checkpoint this run received, when no batch was taken
 * after it: nothing is read twice and nothing is skipped.
 */
async function* readWithReopen(plan: RunPlan, reader: ReaderClient, stream: string, object: ContractObject, committed: string | undefined, log: Logger): AsyncGenerator<Batch> {
  let checkpoint = committed;
  let sinceCheckpoint = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      for await (const batch of reader.read({ config: plan.source.config, stream, schema: readerSchema(object), checkpoint })) {
        yield batch;
        if (batch.checkpoint !== undefined) {
          checkpoint = batch.checkpoint;
          sinceCheckpoint = 0;
        } else sinceCheckpoint++;
      }
      return;
    } catch (e) {
      const err = e as HostError;
      if (!err.retryable || sinceCheckpoint > 0 || attempt >= plan.job.retries.max_attempts) throw e;
      const delay = backoffDelay(attempt, err, { baseDelayMs: plan.job.retries.base_delay_ms });
      log.warn({ attempt, delayMs: Math.round(delay), code: err.code, checkpoint: checkpoint ?? null }, 'read failed, reopening at the last checkpoint');
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
