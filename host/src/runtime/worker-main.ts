/**
 * Entry of a plugin's worker thread: instantiates one component with imports built
 * from its sandbox spec, then answers calls. One worker = one instance = one sandbox.
 *
 * A spare worker may load a component's glue before it is claimed (GluePreload): code
 * only, the function that will instantiate. No instance exists and no import object is
 * built until the init message names the plugin and its sandbox; a worker claimed for
 * another component loads that one's glue and drops the preloaded code unused.
 */
import { parentPort } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import type { Denial } from '../errors/index.js';
import { buildImports, resolveImports } from '../capabilities/imports.js';
import type { SandboxContext } from '../capabilities/context.js';
import { ExitSignal } from '../capabilities/stdio/stdio.js';
import { preview1Cli } from '../capabilities/stdio/preview1-cli.js';
import { shimClocks } from '../capabilities/shim.js';
import { redactUrlFields } from '../logging/redact.js';
import { SecretScanner } from '../logging/secret-scan.js';
import { PluginOutputBudget, truncateUtf8 } from '../logging/plugin-output.js';
import { refuseBatch } from '../capabilities/batch-limits.js';
import { runGlueScript, type CompiledGlue } from './glue-script.js';
import type { Script } from 'node:vm';
import type { CallFailure, CallMessage, GluePreload, WorkerInit, WorkerMessage } from './protocol.js';

/* The transpiled component's exports are untyped JS. */
/* eslint-disable @typescript-eslint/no-explicit-any */
const port = parentPort!;
const post = (m: WorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

// Booted: modules loaded, and the shim's I/O thread answering (its first call waits for
// that thread to start, tens of ms: pay it here, before any instance waits on it).
shimClocks.monotonicClock.subscribeDuration(0n)[Symbol.dispose]?.();
// While spare: maybe preload a component's glue (code only, see GluePreload). Then wait
// for the one instance this worker serves.
let preloaded: { glueScript: string; glue: CompiledGlue; ms: number; cacheGiven: boolean } | undefined;
const init = await new Promise<WorkerInit>((resolve) => {
  const onMessage = (m: { type: string; init: WorkerInit; preload: GluePreload }) => {
    if (m.type === 'preload') {
      const t = performance.now();
      try {
        const glue = runGlueScript(m.preload.glueScript, m.preload.entryUrl, m.preload.glueCache);
        preloaded = { glueScript: m.preload.glueScript, glue, ms: performance.now() - t, cacheGiven: m.preload.glueCache !== undefined };
      } catch {
        preloaded = undefined; // the instance loads its glue itself
      }
      port.postMessage({ type: 'preloaded' });
      return;
    }
    if (m.type !== 'init') return;
    port.off('message', onMessage);
    resolve(m.init);
  };
  port.on('message', onMessage);
  port.postMessage({ type: 'booted' });
});

let callDenials: Denial[] = [];
const ctx: SandboxContext = {
  plugin: init.sandbox.plugin,
  // URLs in the host's records keep no query values or userinfo (tokens travel there).
  deny(d) {
    const denial: Denial = redactUrlFields({ plugin: init.sandbox.plugin, ...d });
    callDenials.push(denial);
    post({ type: 'denial', denial });
  },
  audit(event, fields) {
    post({ type: 'audit', event, fields: redactUrlFields(fields) });
  },
};

// Log calls, stdout and stderr: one byte budget (see PluginOutputBudget).
const limits = init.sandbox.grant.limits;
const budget = new PluginOutputBudget(
  { maxOutputBytes: init.maxOutputBytes, maxMessageBytes: limits.maxMessageBytes, maxLogFields: limits.maxLogFields },
  (r) => post(r),
);
// Errors reach the CLI's output, not only the log: they repeat no secret value either.
const secretScan = new SecretScanner();
secretScan.add(Object.values(init.sandbox.secrets));
let stderrTail = '';
const decoder = new TextDecoder();
const output = (stream: 'stdout' | 'stderr') => (bytes: Uint8Array) => {
  if (stream === 'stderr') stderrTail = (stderrTail + decoder.decode(bytes.subarray(-2048))).slice(-2048);
  budget.output(stream, bytes);
};

const memories: WebAssembly.Memory[] = [];
const memoryBytes = () => memories.reduce((n, m) => Math.max(n, m.buffer.byteLength), 0);

const phases: Record<string, number> = {};
const timed = async <T>(name: string, f: () => T | Promise<T>): Promise<T> => {
  const t = performance.now();
  try {
    return await f();
  } finally {
    phases[name] = performance.now() - t;
  }
};

async function instantiate(): Promise<any> {
  const available = await timed('sandboxMs', () => buildImports(init.sandbox, ctx, {
    log: (level, message, fields) => budget.log(level, message, fields),
    stdout: output('stdout'),
    stderr: output('stderr'),
  }));
  const { imports, missing } = resolveImports(init.imports, available);
  if (missing.length > 0) {
    post({ type: 'init-failed', message: `component imports interfaces the host does not provide: ${missing.join(', ')}`, missingImports: missing });
    return undefined;
  }
  const mod = await timed('glueMs', loadGlue);
  const getCoreModule = (name: string) => {
    const m = init.modules[name];
    if (!m) throw new Error(`missing core module ${name}`);
    return m;
  };
  const instantiateCore = async (module: WebAssembly.Module, imps: WebAssembly.Imports) => {
    const p1 = preview1Cli(available, imps); // args, env and empty writes answered by the host
    const instance = await WebAssembly.instantiate(module, withExactExitCode(p1.imports));
    p1.instantiated(instance);
    for (const v of Object.values(instance.exports)) if (v instanceof WebAssembly.Memory) memories.push(v);
    return instance;
  };
  return timed('componentMs', () => mod.instantiate(getCoreModule, imports, instantiateCore));
}

/** The glue script compiled for lack of a (usable) code cache: the host gets one made from it. */
let uncachedGlue: Script | undefined;

async function loadGlue(): Promise<any> {
  if (!init.glueScript) return import(init.entryUrl);
  let compiled: CompiledGlue;
  let cacheGiven = init.glueCache !== undefined;
  if (preloaded?.glueScript === init.glueScript) {
    ({ glue: compiled, cacheGiven } = preloaded);
    phases.gluePreloadMs = preloaded.ms;
  } else compiled = runGlueScript(init.glueScript, init.entryUrl, init.glueCache);
  preloaded = undefined; // another component's glue, if it was that, is dropped unused
  if (!cacheGiven || compiled.cacheRejected) uncachedGlue = compiled.script;
  return compiled.glue;
}

/**
 * Made after instantiating, so the cache holds the functions compiled lazily while
 * instantiating (most of the glue's code), not only the top level; and before `ready`,
 * so an instance closed at once still leaves it (once per component and Node version).
 */
function postGlueCache(): void {
  const data = new Uint8Array(uncachedGlue!.createCachedData());
  uncachedGlue = undefined;
  post({ type: 'glue-cache', data }, [data.buffer]);
}

/**
 * The preview1 adapter turns proc_exit(N) into wasi:cli/exit(err), losing N. A core
 * module importing proc_exit gets one that unwinds with the exact code instead.
 */
function withExactExitCode(imps: WebAssembly.Imports | undefined): WebAssembly.Imports | undefined {
  const p1 = imps?.wasi_snapshot_preview1;
  if (!p1 || typeof p1.proc_exit !== 'function') return imps;
  return {
    ...imps,
    wasi_snapshot_preview1: {
      ...p1,
      proc_exit: (code: number) => {
        throw new ExitSignal(code >>> 0);
      },
    },
  };
}

const pick = (exports: any, iface: string): any =>
  exports[iface] ?? Object.entries(exports).find(([k]) => k.startsWith(`dativo:plugin/${iface}@`) || k.startsWith(`wasi:cli/${iface}@`))?.[1];

function failure(e: unknown): CallFailure {
  if (e instanceof ExitSignal) return { kind: 'exit', code: e.code };
  // jco-transpile 0.15 throws an export's err value as it is (noComponentErrorWrapping);
  // older output wraps it in a ComponentError with .payload. Accept both.
  const payload = e && typeof e === 'object' && !(e instanceof Error) ? e : (e as any)?.payload;
  if (payload && typeof payload === 'object' && 'code' in payload && 'kind' in payload) {
    // The host repeats an error message in logs and output: bound it here.
    const message = truncateUtf8(String(payload.message), limits.maxMessageBytes);
    const code = truncateUtf8(String(payload.code), 256).text;
    const cut = message.cutBytes > 0 ? ` [${message.cutBytes} bytes cut: limits.max_message_bytes]` : '';
    return { kind: 'plugin-error', payload: { ...payload, code: secretScan.scan(code), message: secretScan.scan(message.text) + cut } };
  }
  if (e instanceof WebAssembly.RuntimeError || e instanceof RangeError) {
    return { kind: 'trap', message: (e as Error).message, memoryBytes: memoryBytes(), stderrTail: secretScan.scan(stderrTail) };
  }
  return { kind: 'host', message: e instanceof Error ? e.message : String(e), stack: e instanceof Error ? e.stack : undefined };
}

async function main() {
  const started = performance.now();
  let exports: any;
  try {
    exports = await instantiate();
  } catch (e) {
    const f = failure(e);
    post({ type: 'init-failed', message: 'message' in f ? f.message : JSON.stringify(f) });
    return;
  }
  if (!exports) return;
  const instantiateMs = performance.now() - started;
  if (uncachedGlue) await timed('glueCacheMs', postGlueCache);
  post({ type: 'ready', instantiateMs, phases });

  const handles = new Map<number, any>();
  let nextHandle = 1;
  const keep = (r: any) => {
    const h = nextHandle++;
    handles.set(h, r);
    return h;
  };
  const handle = (h: unknown) => {
    const r = handles.get(h as number);
    if (!r) throw new Error(`unknown resource handle ${String(h)}`);
    return r;
  };

  const ops: Record<CallMessage['op'], (...args: any[]) => unknown> = {
    'reader.spec': () => pick(exports, 'reader').spec(),
    'reader.check': (config: string) => pick(exports, 'reader').check(config),
    'reader.discover': (config: string) => pick(exports, 'reader').discover(config),
    'reader.open': (request: any) => keep(pick(exports, 'reader').Extraction.open(request)),
    'extraction.next': (h: number) => handle(h).next(),
    'writer.spec': () => pick(exports, 'writer').spec(),
    'writer.check': (config: string) => pick(exports, 'writer').check(config),
    'sink.open': (request: any) => keep(pick(exports, 'writer').Sink.open(request)),
    'sink.write': (h: number, batch: any) => handle(h).write(batch),
    'sink.commit': (h: number) => handle(h).commit(),
    'sink.abort': (h: number) => handle(h).abort(),
    'resource.drop': (h: number) => {
      handle(h)[Symbol.dispose]?.();
      handles.delete(h);
    },
    'command.run': () => {
      try {
        pick(exports, 'run').run();
      } catch (e) {
        // run() returning err (the guest's main failed) is exit code 1, as in wasmtime;
        // jco throws that err value (undefined) or a ComponentError wrapping it.
        const isErrResult = !(e instanceof Error) || e.name === 'ComponentError';
        if (!(e instanceof ExitSignal) && isErrResult) throw new ExitSignal(1);
        throw e;
      }
      return 0;
    },
  };

  port.on('message', (msg: CallMessage) => {
    callDenials = [];
    try {
      const value: any = ops[msg.op](...msg.args);
      const transfer: ArrayBuffer[] = [];
      if (msg.op === 'extraction.next' && value) {
        const bytes: Uint8Array = value.bytes;
        const refusal = refuseBatch(init.sandbox.plugin, value, limits);
        if (refusal) {
          post({ type: 'result', id: msg.id, ok: false, error: refusal, denials: callDenials });
          return;
        }
        // jco lifts list<u8> into a fresh buffer: hand that buffer over, do not copy it.
        if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) transfer.push(bytes.buffer as ArrayBuffer);
      }
      post({ type: 'result', id: msg.id, ok: true, value, denials: callDenials }, transfer);
    } catch (e) {
      post({ type: 'result', id: msg.id, ok: false, error: failure(e), denials: callDenials });
    }
  });
}

void main();
