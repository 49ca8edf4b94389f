import { resolve, basename } from 'node:path';
import type { Logger } from 'pino';
import { createLogger } from '../logging/logger.js';
import type { EffectiveGrant, FilesystemGrant } from '../capabilities/grant.js';
import { DEFAULT_LIMITS } from '../config/manifest.js';
import { PluginError } from '../errors/index.js';
import { prepareComponent } from './component-cache.js';
import { CommandExit, PluginInstance } from './plugin-instance.js';

export interface RunCommandOptions {
  component: string;
  dirs?: FilesystemGrant[];
  allowHttp?: string[];
  allowTcp?: string[];
  env?: [string, string][];
  args?: string[];
  memoryMb?: number;
  timeoutMs?: number;
  stdout?: (b: Uint8Array) => void;
  stderr?: (b: Uint8Array) => void;
  logger?: Logger;
  cacheDir?: string;
}

/**
 * Runs a wasi:cli/command component in the same sandbox as plugins, as `wasmtime run`
 * does: nothing granted but what the options name. Resolves to the exit code.
 */
export async function runCommand(opts: RunCommandOptions): Promise<number> {
  const name = basename(opts.component).replace(/\.wasm$/, '');
  const component = await prepareComponent(resolve(opts.component), { plugin: name, cacheDir: opts.cacheDir });
  if (!component.exports.some((e) => e.startsWith('wasi:cli/run@'))) {
    throw new PluginError('PLUGIN_NOT_A_COMMAND', name, `${opts.component} does not export wasi:cli/run: it is not a command component (exports: ${component.exports.join(', ') || 'none'})`);
  }
  const grant: EffectiveGrant = {
    plugin: name,
    filesystem: (opts.dirs ?? []).map((d) => ({ ...d, host: resolve(d.host) })),
    http: opts.allowHttp ?? [],
    tcp: opts.allowTcp ?? [],
    env: (opts.env ?? []).map(([k]) => k),
    secrets: [],
    limits: {
      memoryMb: opts.memoryMb ?? 1024,
      callTimeoutMs: opts.timeoutMs ?? 2 ** 31 - 1,
      maxBatchBytes: DEFAULT_LIMITS.max_batch_bytes,
      maxOutputBytes: Number.POSITIVE_INFINITY,
      maxBatchRows: DEFAULT_LIMITS.max_batch_rows,
      maxBatchExpandedBytes: DEFAULT_LIMITS.max_batch_expanded_bytes,
      maxCheckpointBytes: DEFAULT_LIMITS.max_checkpoint_bytes,
      maxJsonLineBytes: DEFAULT_LIMITS.max_json_line_bytes,
      maxMessageBytes: DEFAULT_LIMITS.max_message_bytes,
      maxLogFields: DEFAULT_LIMITS.max_log_fields,
    },
  };
  const instance = await PluginInstance.start({
    plugin: name,
    component,
    limits: grant.limits,
    logger: opts.logger ?? createLogger(),
    sandbox: { plugin: name, grant, env: opts.env ?? [], secrets: {}, args: [name, ...(opts.args ?? [])] },
    // As in wasmtime, a refused access is an error code to the guest, and the exit code
    // is the guest's: the denial is audited, the run does not fail for it.
    onDenial: 'report',
    stdio: {
      stdout: opts.stdout ?? ((b) => process.stdout.write(b)),
      stderr: opts.stderr ?? ((b) => process.stderr.write(b)),
    },
  });
  try {
    await instance.call('command.run');
    return 0;
  } catch (e) {
    if (e instanceof CommandExit) return e.code;
    throw e;
  } finally {
    await instance.terminate();
  }
}
