/**
 * What the pipeline reads a stream from: a reader plugin in the sandbox (ReaderClient) or
 * a subprocess engine (Singer tap, Airbyte source). Both give the same batches, so
 * validation, Parquet, targets, commit and state do not know which ran. This is the one
 * place that chooses.
 */
import type { Logger } from 'pino';
import type { ConfigKeyOf } from '../config/plugin-config.js';
import type { JobPolicy } from '../capabilities/job-policy.js';
import { loadPlugin } from '../runtime/load-plugin.js';
import type { Batch, PluginSpec, ReadRequest, StreamDescriptor } from '../runtime/plugin-types.js';
import type { SecretManager } from '../secrets/secret-manager.js';
import type { RunPlan, StreamPlan } from '../pipeline/plan.js';

export interface SourceReader {
  /** Names the reader in errors: the plugin, or the engine connector ("singer:tap-jsonl"). */
  readonly instance: { readonly plugin: string };
  configKeyOf: ConfigKeyOf;
  /** The source's own estimate of the stream's records, once it sent one (Airbyte ESTIMATE). */
  readonly estimatedRecords?: number;
  spec(): Promise<PluginSpec>;
  check(config: unknown): Promise<void>;
  discover(config: unknown): Promise<StreamDescriptor[]>;
  read(req: ReadRequest): AsyncGenerator<Batch>;
  close(): Promise<void>;
}

export interface SourceReaderOptions {
  policy?: JobPolicy;
  secrets?: SecretManager;
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  cacheDir?: string;
}

/** A stream's source, ready to open readers: a loaded plugin, or an engine connector. */
export interface LoadedSource {
  manifest: { name: string };
  openReader(): Promise<SourceReader>;
}

/** The source of one stream: the reader plugin bound to the stream's own files, or its engine. */
export async function loadSource(plan: RunPlan, stream: StreamPlan, opts: SourceReaderOptions): Promise<LoadedSource> {
  const engine = plan.source.engine;
  if (!engine) return loadPlugin({ manifest: plan.source.plugin, bindings: stream.bindings, ...opts });
  const log = (opts.logger ?? (await import('../logging/logger.js')).createLogger()).child({ engine: engine.name });
  const ctx = { log, secrets: opts.secrets, env: opts.env ?? process.env, contract: stream.object };
  const Reader = engine.engine === 'singer' ? (await import('./singer/singer-reader.js')).SingerReader : (await import('./airbyte/airbyte-reader.js')).AirbyteReader;
  return { manifest: { name: engine.name }, openReader: async () => new Reader(engine, ctx) };
}
