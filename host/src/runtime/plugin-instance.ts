import type { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { audit } from '../logging/logger.js';
import type { SandboxSpec } from '../capabilities/imports.js';
import type { Limits } from '../capabilities/grant.js';
import {
  CapabilityDeniedError, HostError, PluginError, PluginReportedError, batchTooLarge, pluginCrashed, pluginMemoryLimit, pluginTimeout, pluginTrap,
  type Denial, type WitPluginError,
} from '../errors/index.js';
import type { PreparedComponent } from './component-cache.js';
import { compileCoreModules, glueCodeCache, storeGlueCodeCache } from './component-cache.js';
import type { CallFailure, CallOp, WorkerInit, WorkerMessage } from './protocol.js';
import { defaultWorkerPool, stopWorker, WORKER_STOP_MS, type WorkerPool } from './worker-pool.js';
import { releaseBlockedFifoOpens } from '../capabilities/filesystem/release-fifos.js';
import { pluginObserver, type PluginObserver } from '../observability/run-observation.js';

export interface InstanceOptions {
  plugin: string;
  component: PreparedComponent;
  sandbox: SandboxSpec;
  limits: Limits;
  logger: Logger;
  /** Where a command's stdout/stderr go (exec); plugins' output goes to the log instead. */
  stdio?: { stdout: (b: Uint8Array) => void; stderr: (b: Uint8Array) => void };
  /**
   * What a call that saw a denial returns. 'fail' (the default): the call fails with
   * CAPABILITY_DENIED even if the plugin carried on. 'report': the plugin's own result
   * comes back and the denial is only audited (for probing what a guest observes).
   */
  onDenial?: 'fail' | 'report';
  /** Where booted workers come from (default: the process-wide pool). */
  pool?: WorkerPool;
}

/** The result of a command run: its exit code. */
export class CommandExit {
  constructor(readonly code: number) {}
}

/**
 * One plugin instance in its own worker thread. Calls run one at a time; a call past
 * its timeout terminates the worker (PLUGIN_TIMEOUT) and the host carries on.
 */
export class PluginInstance {
  readonly plugin: string;
  readonly denials: Denial[] = [];
  /** Time from the worker receiving its component to the instance being ready, and its phases. */
  instantiateMs = 0;
  phases: Record<string, number> = {};
  #worker: Worker;
  #opts: InstanceOptions;
  #log: Logger;
  #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void; op: CallOp }>();
  #nextId = 1;
  #queue: Promise<unknown> = Promise.resolve();
  #dead: HostError | undefined;
  #lineBuffers = { stdout: '', stderr: '' };
  #stopping: Promise<boolean> | undefined;
  /** Metrics and spans of the run and stream this instance was started for. */
  #observer: PluginObserver;

  private constructor(worker: Worker, opts: InstanceOptions) {
    this.plugin = opts.plugin;
    this.#worker = worker;
    this.#opts = opts;
    this.#log = opts.logger.child({ plugin: opts.plugin });
    this.#observer = pluginObserver(opts.plugin);
  }

  static async start(opts: InstanceOptions): Promise<PluginInstance> {
    const modules = await compileCoreModules(opts.component, opts.plugin, opts.limits.memoryMb * 2 ** 20);
    const init: WorkerInit = {
      entryUrl: opts.component.entryUrl,
      glueScript: opts.component.glueScript,
      glueCache: glueCodeCache(opts.component),
      modules,
      imports: opts.component.imports,
      sandbox: opts.sandbox,
      maxOutputBytes: opts.stdio ? Number.POSITIVE_INFINITY : opts.limits.maxOutputBytes,
    };
    const { component } = opts;
    const preload = () => (component.glueScript ? { glueScript: component.glueScript, entryUrl: component.entryUrl, glueCache: glueCodeCache(component) } : undefined);
    const worker = await (opts.pool ?? defaultWorkerPool).take(preload);
    const instance = new PluginInstance(worker, opts);
    const ready = instance.#ready();
    worker.postMessage({ type: 'init', init });
    await ready;
    return instance;
  }

  #ready(): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        void this.#stop();
        reject(pluginTimeout(this.plugin, 'instantiate', this.#opts.limits.callTimeoutMs));
      }, this.#opts.limits.callTimeoutMs);
      this.#worker.on('message', (m: WorkerMessage) => {
        if (m.type === 'ready') {
          clearTimeout(timer);
          this.instantiateMs = m.instantiateMs;
          this.phases = m.phases;
          resolve();
        } else if (m.type === 'init-failed') {
          clearTimeout(timer);
          void this.#stop();
          const code = m.missingImports ? 'PLUGIN_UNSUPPORTED_IMPORT' : 'PLUGIN_INSTANTIATE_FAILED';
          reject(new PluginError(code, this.plugin, `plugin "${this.plugin}" could not be instantiated: ${m.message}`, { details: { missingImports: m.missingImports } }));
        } else this.#onMessage(m);
      });
      this.#worker.on('error', (e: Error & { code?: string }) => {
        clearTimeout(timer);
        const err = e.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? pluginMemoryLimit(this.plugin, 'host-side heap', this.#opts.limits.memoryMb, e.message)
          : pluginCrashed(this.plugin, e.message);
        this.#fail(err);
        reject(err);
      });
      this.#worker.on('exit', (code) => {
        clearTimeout(timer);
        const err = this.#dead ?? pluginCrashed(this.plugin, `exit code ${code}`);
        this.#fail(err);
        reject(err);
      });
    });
  }

  #onMessage(m: WorkerMessage): void {
    switch (m.type) {
      case 'result': {
        const p = this.#pending.get(m.id);
        if (!p) return;
        this.#pending.delete(m.id);
        if (m.ok && m.denials.length > 0 && this.#opts.onDenial !== 'report') p.reject(new CapabilityDeniedError(m.denials[0]!));
        else if (m.ok) p.resolve(m.value);
        else p.reject(this.#toError(m.error, m.denials, p.op));
        return;
      }
      case 'denial': {
        this.denials.push(m.denial);
        this.#observer.denial(m.denial.capability);
        const { plugin: _plugin, ...fields } = m.denial; // the child logger already names the plugin
        audit(this.#log, 'capability.denied', { code: 'CAPABILITY_DENIED', ...fields });
        return;
      }
      case 'audit':
        audit(this.#log, m.event, m.fields);
        return;
      case 'log':
        // The plugin's fields stay under their own key: they cannot pose as the host's.
        this.#log[m.level === 'trace' ? 'trace' : m.level]({ source: 'plugin', fields: Object.fromEntries(m.fields), ...(m.dropped ? { dropped: m.dropped } : {}) }, m.message);
        return;
      case 'output':
        if (this.#opts.stdio) this.#opts.stdio[m.stream](m.bytes);
        else this.#logOutput(m.stream, new TextDecoder().decode(m.bytes));
        return;
      case 'glue-cache':
        storeGlueCodeCache(this.#opts.component, m.data);
        return;
      case 'output-truncated':
        this.#log.warn({ stream: m.stream, limit: m.limit }, `plugin output exceeded ${m.limit} bytes; the rest is dropped`);
        return;
    }
  }

  #logOutput(stream: 'stdout' | 'stderr', text: string): void {
    const lines = (this.#lineBuffers[stream] + text).split('\n');
    this.#lineBuffers[stream] = lines.pop() ?? '';
    for (const line of lines) this.#log.info({ source: 'plugin', stream }, line);
  }

  #toError(f: CallFailure, denials: Denial[], op: CallOp): unknown {
    if (f.kind === 'exit') {
      if (op === 'command.run') return new CommandExit(f.code);
      f = { kind: 'trap', message: `the plugin called exit(${f.code})`, memoryBytes: 0, stderrTail: '' };
    }
    let err: HostError;
    switch (f.kind) {
      case 'plugin-error':
        err = new PluginReportedError(this.plugin, f.payload as WitPluginError, this.#opts.sandbox.grant.filesystem);
        break;
      case 'batch-too-large':
        err = batchTooLarge(this.plugin, f.bytes, this.#opts.limits.maxBatchBytes);
        break;
      case 'refused':
        err = new PluginError(f.code, this.plugin, f.message, { details: f.details });
        break;
      case 'trap': {
        const limit = this.#opts.limits.memoryMb * 2 ** 20;
        const oom = /memory allocation of \d+ bytes failed|out of memory/i.test(f.stderrTail) || f.memoryBytes > 0.9 * limit;
        err = oom ? pluginMemoryLimit(this.plugin, op, this.#opts.limits.memoryMb, f.message) : pluginTrap(this.plugin, op, f.message, f.stderrTail);
        // After a trap the instance's state is undefined: it runs no further call.
        this.#fail(err);
        void this.#stop();
        break;
      }
      case 'host':
        err = new HostError('PLUGIN_HOST_FAILURE', 'host', `host failure while calling ${op} on plugin "${this.plugin}": ${f.message}`, { details: { stack: f.stack } });
        break;
    }
    // A plugin that failed after a denial failed because of it: say so, with the denial.
    return denials.length > 0 ? new CapabilityDeniedError(denials[0]!, { cause: err }) : err;
  }

  #fail(err: HostError): void {
    this.#dead ??= err;
    for (const [, p] of this.#pending) p.reject(err);
    this.#pending.clear();
  }

  /** Calls an operation in the worker; one call at a time, each bounded by the call timeout. */
  call<T = unknown>(op: CallOp, args: unknown[] = [], transfer: ArrayBuffer[] = []): Promise<T> {
    const run = () =>
      new Promise<T>((resolve, reject) => {
        if (this.#dead) return reject(this.#dead);
        const id = this.#nextId++;
        const timeoutMs = this.#opts.limits.callTimeoutMs;
        const timer = setTimeout(() => {
          const err = pluginTimeout(this.plugin, op, timeoutMs);
          this.#fail(err);
          void this.#stop();
        }, timeoutMs);
        this.#pending.set(id, {
          op,
          resolve: (v) => (clearTimeout(timer), resolve(v as T)),
          reject: (e) => (clearTimeout(timer), reject(e)),
        });
        try {
          this.#worker.postMessage({ type: 'call', id, op, args }, transfer);
        } catch (e) {
          // Not sent (e.g. a detached buffer in the transfer list): no reply will come.
          this.#pending.get(id)?.reject(e);
          this.#pending.delete(id);
        }
      });
    const ended = this.#observer.call(op);
    const result = this.#queue.then(run, run);
    this.#queue = result.catch(() => undefined);
    result.then(() => ended(), (e: unknown) => ended(e ?? 'failed'));
    return result;
  }

  get alive(): boolean {
    return this.#dead === undefined;
  }

  /**
   * Stops the worker, bounded (stopWorker). One that does not stop may be blocked opening
   * a FIFO in its grants (put there past the guard's check by another process): those
   * opens are released, and it is given a second wait.
   */
  #stop(): Promise<boolean> {
    const folders = this.#opts.sandbox.grant.filesystem.map((g) => g.host);
    this.#stopping ??= stopWorker(this.#worker, WORKER_STOP_MS, () => {
      const fifos = releaseBlockedFifoOpens(folders);
      if (fifos.length > 0) this.#log.warn({ fifos }, `released opens blocked on FIFOs so the worker of "${this.plugin}" can stop`);
    });
    return this.#stopping;
  }

  /** Stops the worker; always settles (see #stop), logging a worker that did not stop. */
  async terminate(): Promise<void> {
    for (const stream of ['stdout', 'stderr'] as const) if (this.#lineBuffers[stream]) this.#logOutput(stream, '\n');
    this.#dead ??= new PluginError('PLUGIN_CLOSED', this.plugin, `plugin "${this.plugin}" was closed`);
    if (!(await this.#stop())) {
      this.#log.error(
        { code: 'PLUGIN_WORKER_STUCK', timeoutMs: WORKER_STOP_MS },
        `the worker of plugin "${this.plugin}" did not stop within ${WORKER_STOP_MS} ms (a thread blocked in a system call); it is abandoned`,
      );
    }
  }
}
