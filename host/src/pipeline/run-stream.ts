/**
 * One stream of a run: its reader's batches through a bytes-bounded queue, each input's
 * schema checked against the contract (schema-conformance.ts), each batch validated,
 * then written to the stream's sink.
 */
import { performance } from 'node:perf_hooks';
import * as arrow from 'apache-arrow';
import type { Logger } from 'pino';
import { DataValidationError, StreamValidator, type RunRuleResult, type ValidationIssue } from '../contracts/index.js';
import { HostError } from '../errors/index.js';
import { batchInvalid } from '../errors/plugin-output.js';
import type { SourceReader } from '../engines/source-reader.js';
import type { Batch } from '../runtime/plugin-types.js';
import type { StateStore } from '../state/state-store.js';
import type { CommittedFile } from '../targets/target.js';
import { BoundedQueue } from './bounded-queue.js';
import { decodeBatch } from './decode.js';
import type { RunPlan, StreamPlan } from './plan.js';
import type { Progress } from './progress.js';
import { backoffDelay } from './retry.js';
import type { RunOutput } from './run-output.js';
import { StreamConformance, type SchemaDifference } from './schema-conformance.js';
import { toHostPaths } from '../errors/guest-paths.js';
import { mountsOf } from './source-paths.js';
import { countRetry } from '../observability/run-observation.js';

export interface StreamSummary {
  stream: string;
  disposition: StreamPlan['disposition'];
  records: number;
  invalidRecords: number;
  /** Rows moved to `_rejected/<stream>` (invalid_rows: quarantine). */
  rejectedRecords: number;
  /** Failing rows per rule (each under the first rule it failed). */
  failuresByRule: Record<string, number>;
  /** The contract's run-level rules (row counts, uniqueness) at the end of the stream. */
  rules: RunRuleResult[];
  batches: number;
  bytesIn: number;
  files: CommittedFile[];
  checkpoint?: string;
  /** Differences between the inputs' schemas and the contract (warn mode), at most 1000 listed. */
  schemaDifferences: SchemaDifference[];
  schemaDifferenceCount: number;
}

export interface StreamContext {
  plan: RunPlan;
  stream: StreamPlan;
  reader: SourceReader;
  output: RunOutput;
  state: StateStore;
  log: Logger;
  onProgress?: (p: Progress) => void;
  /** This stream's share of the run's queue budget (default: the job's queue_max_bytes). */
  queueMaxBytes?: number;
  /** Fires when the run failed elsewhere (another stream): this one stops reading. */
  signal?: AbortSignal;
}

export async function runStream({ plan, stream, reader, output, state, log, onProgress, queueMaxBytes, signal }: StreamContext): Promise<StreamSummary> {
  const { job } = plan;
  const { name, object } = stream;
  const started = performance.now();
  const committed = await state.get(job.tenant_id, job.name, name);
  const writer = await output.openStream(name, object);
  const queue = new BoundedQueue<Batch>(queueMaxBytes ?? job.queue_max_bytes);
  const mode = job.schema_validation_mode;
  const conformance = new StreamConformance(object, {
    stream: name,
    mode,
    extraColumns: job.extra_columns ?? (mode === 'strict' ? 'error' : 'drop'),
    describeSource: (s) => toHostPaths(s, mountsOf(stream.bindings)),
    log,
  });
  const summary: StreamSummary = {
    stream: name, disposition: stream.disposition, records: 0, invalidRecords: 0, rejectedRecords: 0, failuresByRule: {}, rules: [], batches: 0, bytesIn: 0, files: [],
    checkpoint: committed?.checkpoint, schemaDifferences: conformance.differences, schemaDifferenceCount: 0,
  };
  log.info({ checkpoint: committed?.checkpoint ?? null, disposition: stream.disposition }, committed ? 'resuming from the last committed checkpoint' : 'reading from the start');
  // The contract's rules; warn + quarantine: rows that fail one go to `_rejected/<stream>`,
  // whose sink opens at the first such row.
  const validator = new StreamValidator(object, { stream: name, mode, invalidRows: job.invalid_rows });
  if (validator.warning) log.warn(validator.warning);
  let rejectedSink: Awaited<ReturnType<RunOutput['openStream']>> | undefined;

  // Producer: pulls batches from the plugin while the queue has room, and stops reading
  // as soon as the consumer failed (a closed queue takes nothing).
  const producer = (async () => {
    try {
      for await (const batch of readWithReopen(plan, stream, reader, committed?.checkpoint, log)) {
        if (!(await queue.push(batch, batch.bytes.byteLength))) break;
      }
      queue.close();
    } catch (e) {
      queue.fail(e);
    }
  })();

  // Consumer: checks, validates and writes, in order; a failure elsewhere in the run ends it.
  const stop = () => queue.fail(signal?.reason);
  signal?.addEventListener('abort', stop, { once: true });
  try {
    signal?.throwIfAborted();
    let warned = 0;
    for (let batch = await queue.shift(); batch; batch = await queue.shift()) {
      const decoded = [...decodeBatch(batch, object, mode)];
      for (const rb of decoded) {
        const input = conformance.adapt(rb);
        let v;
        try {
          v = validator.validate(input.batch);
        } catch (e) {
          if (e instanceof DataValidationError) throw located(e, input.source, input.firstLine, summary.records);
          if (e instanceof HostError) throw e;
          // Arrow data the decoder took but the validation cannot read: the plugin's batch, typed.
          throw batchInvalid(reader.instance.plugin, batch.encoding, `its columns cannot be validated: ${String((e as Error)?.message ?? e).slice(0, 500)}`);
        }
        for (const issue of v.issues) {
          if (warned++ < 20) log.warn({ issue: where(issue, input.source, input.firstLine, summary.records) }, `row does not match the contract (${validator.quarantine ? 'quarantined' : 'kept'}: schema_validation_mode warn)`);
        }
        if (v.rejected) {
          rejectedSink ??= await output.openStream(`_rejected/${name}`, object);
          await rejectedSink.write(v.rejected);
        }
        // The plugin's bytes already encode a batch validation left as it was.
        const reusable = batch.encoding === 'arrow-ipc-stream' && decoded.length === 1 && input.batch === rb && v.sameLayout && input.extras.length === 0;
        await writer.write(withExtras(v.batch, input.extras), reusable ? batch.bytes : undefined);
        summary.records += rb.numRows;
      }
      summary.batches++;
      summary.bytesIn += batch.bytes.byteLength;
      if (batch.checkpoint !== undefined) summary.checkpoint = batch.checkpoint;
      const estimate = reader.estimatedRecords === undefined ? {} : { estimatedRecords: reader.estimatedRecords };
      onProgress?.({ stream: name, records: summary.records, bytes: summary.bytesIn, batches: summary.batches, queueBytes: queue.bytes, elapsedMs: performance.now() - started, ...estimate });
    }
  } catch (e) {
    queue.close();
    throw e;
  } finally {
    signal?.removeEventListener('abort', stop);
    await producer;
  }
  summary.files = [...(await writer.finish()), ...((await rejectedSink?.finish()) ?? [])];
  summary.schemaDifferenceCount = conformance.total;
  const checked = validator.finish(); // strict: a failed run-level rule throws DataQualityError
  Object.assign(summary, { invalidRecords: checked.invalidRows, rejectedRecords: checked.rejectedRows, failuresByRule: checked.byRule, rules: checked.runRules });
  for (const r of summary.rules) if (r.status !== 'passed') log.warn({ rule: r }, r.message);
  if (summary.invalidRecords > 0) log.warn({ invalidRecords: summary.invalidRecords }, `${summary.invalidRecords} rows did not match the contract and were ${validator.quarantine ? "moved to _rejected/" : "kept"}`);
  log.info({ records: summary.records, files: summary.files.length, queuePeakBytes: queue.peakBytes }, 'stream done');
  return summary;
}

/** An issue with the input and file line it came from, when the reader named them. */
function where(issue: ValidationIssue, source: string | undefined, firstLine: number | undefined, rowOffset: number) {
  if (source === undefined) return issue;
  return { ...issue, file: source, ...(firstLine === undefined ? {} : { line: firstLine + issue.row - rowOffset }) };
}

function located(e: DataValidationError, source: string | undefined, firstLine: number | undefined, rowOffset: number): DataValidationError {
  if (source === undefined) return e;
  const issues = e.issues.map((i) => where(i, source, firstLine, rowOffset));
  const out = new DataValidationError(issues, { totalIssues: e.details.totalIssues as number, cause: e.cause });
  const first = issues[0]!;
  out.message = `${e.message} (${source}${'line' in first ? `, line ${first.line}` : ''})`;
  Object.assign(out.details, { file: source, ...('line' in first ? { line: first.line } : {}) });
  return out;
}

/** The validated batch with the extra columns kept after the contract's (extra_columns: keep). */
function withExtras(batch: arrow.RecordBatch, extras: { field: arrow.Field; data: arrow.Data }[]): arrow.RecordBatch {
  if (extras.length === 0) return batch;
  const fields = [...batch.schema.fields, ...extras.map((x) => new arrow.Field(x.field.name, x.field.type, true))];
  const schema = new arrow.Schema(fields, batch.schema.metadata);
  const data = arrow.makeData({ type: new arrow.Struct(fields), length: batch.numRows, nullCount: 0, children: [...batch.data.children, ...extras.map((x) => x.data)] });
  return new arrow.RecordBatch(schema, data);
}

/**
 * The schema handed to the reader: it types the columns, but every field is optional,
 * because the contract (strict or warn) is the host's to enforce, after the boundary.
 * In warn mode the columns are asked for as text (the cursor column keeps its type, so
 * the reader still orders rows by it) and the host casts them: a value that cannot be
 * cast is then a row failure, kept or quarantined, instead of a reader error failing
 * the run.
 */
export function readerSchema(stream: StreamPlan, mode: 'strict' | 'warn'): Record<string, unknown> {
  const schema: Record<string, unknown> = { ...stream.object.jsonSchema, required: [] };
  if (mode === 'strict') return schema;
  const cursor = (stream.config.incremental as { cursor_field?: string } | undefined)?.cursor_field;
  const properties = Object.fromEntries(
    Object.entries(schema.properties as Record<string, Record<string, unknown>>).map(([name, p]) => {
      const scalar = [p.type].flat().some((t) => t === 'integer' || t === 'number' || t === 'boolean' || (t === 'string' && p.format !== undefined));
      return [name, name === cursor || !scalar ? p : { type: ['string', 'null'], ...(p.description ? { description: p.description } : {}) }];
    }),
  );
  return { ...schema, properties };
}

/**
 * The stream's batches. A transient (retryable) plugin error is retried by reopening
 * the extraction at the last checkpoint this run received, when no batch was taken
 * after it: nothing is read twice and nothing is skipped.
 */
async function* readWithReopen(plan: RunPlan, stream: StreamPlan, reader: SourceReader, committed: string | undefined, log: Logger): AsyncGenerator<Batch> {
  let checkpoint = committed;
  let sinceCheckpoint = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      for await (const batch of reader.read({ config: stream.config, stream: stream.name, schema: readerSchema(stream, plan.job.schema_validation_mode), checkpoint })) {
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
      countRetry('read');
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
