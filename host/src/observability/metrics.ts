/**
 * A run's Prometheus metrics (prom-client), in a registry of their own: what moved
 * (records, bytes, batches, invalid rows), what went wrong (capability denials, retries),
 * how the plugins and queues behaved (call latency per call kind, queue depth) and how
 * the run ended (duration, status). The metric list is in docs/operations.md.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Labels of a stream's metrics; `stream` is '' for what belongs to the run (a writer plugin's calls). */
export interface StreamLabels {
  tenant: string;
  job_name: string;
  stream: string;
  plugin: string;
}

export interface RunLabels {
  tenant: string;
  job_name: string;
}

// job_name, not job: Prometheus sets `job` on every target it scrapes.
const STREAM = ['tenant', 'job_name', 'stream', 'plugin'] as const;
const RUN = ['tenant', 'job_name'] as const;

/** What a stream reported so far (cumulative: the counters take the difference). */
export interface StreamProgressSample {
  records: number;
  bytes: number;
  batches: number;
  queueBytes: number;
}

export class RunMetrics {
  readonly registry: Registry;
  readonly records: Counter<(typeof STREAM)[number]>;
  readonly bytesRead: Counter<(typeof STREAM)[number]>;
  readonly bytesWritten: Counter<(typeof STREAM)[number]>;
  readonly batches: Counter<(typeof STREAM)[number]>;
  readonly invalidRecords: Counter<(typeof STREAM)[number]>;
  readonly denials: Counter<(typeof STREAM)[number] | 'capability'>;
  readonly retries: Counter<(typeof STREAM)[number] | 'operation'>;
  readonly pluginCalls: Histogram<(typeof STREAM)[number] | 'call' | 'outcome'>;
  readonly queueBytes: Gauge<(typeof STREAM)[number]>;
  readonly streamsRunning: Gauge<(typeof RUN)[number]>;
  readonly runDuration: Gauge<(typeof RUN)[number]>;
  readonly runStatus: Gauge<(typeof RUN)[number] | 'status'>;
  readonly runs: Counter<(typeof RUN)[number] | 'status'>;
  readonly lastRunEnd: Gauge<(typeof RUN)[number]>;
  #seen = new Map<string, StreamProgressSample>();

  constructor(registry = new Registry()) {
    this.registry = registry;
    const registers = [registry];
    const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) => new Counter<L>({ name, help, labelNames, registers });
    const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]) => new Gauge<L>({ name, help, labelNames, registers });
    this.records = counter('dativo_records_total', 'Records read, checked and written', STREAM);
    this.bytesRead = counter('dativo_bytes_read_total', 'Batch bytes received from the reader plugin', STREAM);
    this.bytesWritten = counter('dativo_bytes_written_total', 'Bytes of the files committed', STREAM);
    this.batches = counter('dativo_batches_total', 'Batches received from the reader plugin', STREAM);
    this.invalidRecords = counter('dativo_invalid_records_total', 'Rows that did not match the contract (warn mode)', STREAM);
    this.denials = counter('dativo_capability_denials_total', 'Capability requests the sandbox denied', [...STREAM, 'capability']);
    this.retries = counter('dativo_retries_total', 'Retried plugin operations (instantiate, check, read)', [...STREAM, 'operation']);
    this.pluginCalls = new Histogram({
      name: 'dativo_plugin_call_duration_seconds',
      help: 'Plugin calls, from the call to its result, per call kind (reader.open, extraction.next, ...)',
      labelNames: [...STREAM, 'call', 'outcome'],
      buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
      registers,
    });
    this.queueBytes = gauge('dativo_queue_bytes', 'Bytes of batches waiting between reader and writer', STREAM);
    this.streamsRunning = gauge('dativo_streams_running', 'Streams of the run being read now', RUN);
    this.runDuration = gauge('dativo_run_duration_seconds', 'Duration of the last run', RUN);
    this.runStatus = gauge('dativo_run_status', 'The last run: 1 for its status (succeeded or failed), 0 for the other', [...RUN, 'status']);
    this.runs = counter('dativo_runs_total', 'Runs ended, by status', [...RUN, 'status']);
    this.lastRunEnd = gauge('dativo_run_last_end_timestamp_seconds', 'When the last run ended (Unix time)', RUN);
  }

  /** A stream's cumulative progress: the counters grow by what is new since the last sample. */
  progress(l: StreamLabels, p: StreamProgressSample): void {
    const key = JSON.stringify(l);
    const last = this.#seen.get(key) ?? { records: 0, bytes: 0, batches: 0, queueBytes: 0 };
    this.records.inc(l, p.records - last.records);
    this.bytesRead.inc(l, p.bytes - last.bytes);
    this.batches.inc(l, p.batches - last.batches);
    this.queueBytes.set(l, p.queueBytes);
    this.#seen.set(key, p);
  }

  streamDone(l: StreamLabels, s: { invalidRecords: number; bytesWritten: number }): void {
    this.#seen.delete(JSON.stringify(l));
    this.queueBytes.set(l, 0);
    this.invalidRecords.inc(l, s.invalidRecords);
    this.bytesWritten.inc(l, s.bytesWritten);
  }

  /** The labels of the last run that ended (what a push groups by). */
  lastRun: RunLabels | undefined;

  runEnded(l: RunLabels, status: 'succeeded' | 'failed', seconds: number): void {
    this.lastRun = l;
    this.runDuration.set(l, seconds);
    this.runStatus.set({ ...l, status }, 1);
    this.runStatus.set({ ...l, status: status === 'succeeded' ? 'failed' : 'succeeded' }, 0);
    this.runs.inc({ ...l, status });
    this.lastRunEnd.set(l, Date.now() / 1000);
    this.streamsRunning.set(l, 0);
  }

  /** The Prometheus text exposition format. */
  text(): Promise<string> {
    return this.registry.metrics();
  }
}
