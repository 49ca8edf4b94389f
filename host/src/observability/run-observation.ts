/**
 * What a run reports about itself, reachable from any code the run calls (a plugin
 * instance, a retry) through async context: its metrics (when asked for), its labels,
 * and its spans (run, stream, plugin call, commit).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import type { RunMetrics, StreamLabels } from './metrics.js';
import { endSpan, startSpan, traceFields, withSpan } from './tracing.js';

interface Scope {
  run: RunObservation;
  stream: string;
  plugin: string;
}

const scope = new AsyncLocalStorage<Scope>();

export class RunObservation {
  tenant = '';
  job = '';
  runId = '';
  #running = 0;

  constructor(readonly metrics: RunMetrics | undefined) {}

  /** Names the run once it is planned; returns the fields every log line of the run carries. */
  begin(tenant: string, job: string, runId: string): { trace_id?: string } {
    Object.assign(this, { tenant, job, runId });
    return traceFields();
  }

  labels(stream = '', plugin = ''): StreamLabels {
    return { tenant: this.tenant, job_name: this.job, stream, plugin };
  }

  /** Runs one stream (and the plugin calls it makes) in its own span and labels. */
  stream<T>(stream: string, plugin: string, fn: () => Promise<T>): Promise<T> {
    return withSpan('dativo.stream', { 'dativo.run_id': this.runId, 'dativo.stream': stream, 'dativo.plugin': plugin }, () => {
      this.#streams(+1);
      return scope.run({ run: this, stream, plugin }, fn).finally(() => this.#streams(-1));
    });
  }

  commit<T>(fn: () => Promise<T>): Promise<T> {
    return withSpan('dativo.commit', { 'dativo.run_id': this.runId }, () => fn());
  }

  #streams(d: number): void {
    this.#running += d;
    this.metrics?.streamsRunning.set({ tenant: this.tenant, job_name: this.job }, this.#running);
  }
}

/** Runs `fn` as one run: its span, and its metrics' duration and status when it ends. */
export function observeRun<T>(metrics: RunMetrics | undefined, fn: (run: RunObservation) => Promise<T>): Promise<T> {
  const run = new RunObservation(metrics);
  const started = performance.now();
  const ended = (status: 'succeeded' | 'failed') => {
    if (run.tenant) metrics?.runEnded({ tenant: run.tenant, job_name: run.job }, status, (performance.now() - started) / 1000);
  };
  return withSpan('dativo.run', {}, async (span) => {
    try {
      const result = await scope.run({ run, stream: '', plugin: '' }, () => fn(run));
      ended('succeeded');
      return result;
    } catch (e) {
      ended('failed');
      throw e;
    } finally {
      span.setAttributes({ 'dativo.run_id': run.runId, 'dativo.tenant': run.tenant, 'dativo.job': run.job });
    }
  });
}

/** A retried operation of the current run (instantiate, check, read). */
export function countRetry(operation: string): void {
  const s = scope.getStore();
  s?.run.metrics?.retries.inc({ ...s.run.labels(s.stream, s.plugin), operation });
}

/**
 * What a plugin instance reports, bound to the run and stream it was started in (its
 * worker's messages arrive outside that async context).
 */
export interface PluginObserver {
  /** Call when a call starts; the returned function when it settles. */
  call(op: string): (error?: unknown) => void;
  denial(capability: string): void;
}

export function pluginObserver(plugin: string): PluginObserver {
  const s = scope.getStore();
  const labels = s ? s.run.labels(s.stream, plugin) : undefined;
  const metrics = s?.run.metrics;
  return {
    call(op) {
      const span = startSpan(`dativo.plugin ${op}`, { 'dativo.plugin': plugin, 'dativo.call': op, ...(s ? { 'dativo.run_id': s.run.runId, 'dativo.stream': s.stream } : {}) });
      const started = performance.now();
      return (error) => {
        endSpan(span, error);
        if (labels) metrics?.pluginCalls.observe({ ...labels, call: op, outcome: error === undefined ? 'ok' : 'error' }, (performance.now() - started) / 1000);
      };
    },
    denial(capability) {
      if (labels) metrics?.denials.inc({ ...labels, capability });
    },
  };
}
