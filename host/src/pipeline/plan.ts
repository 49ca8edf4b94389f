import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { checkGrantsApart } from '../capabilities/target-overlap.js';
import { loadContract, type DataContract } from '../contracts/index.js';
import { loadJob, type Job } from '../config/job.js';
import { loadRecipe, type Recipe } from '../config/recipe.js';
import { connectorFor, loadRegistry, type ConnectorEntry, type Registry } from '../config/registry.js';
import { ConfigError } from '../errors/index.js';
import { packageRoot } from '../package-root.js';
import { SCOPE_NAME } from '../targets/keys.js';
import { planStreams, type StreamPlan } from './plan-streams.js';
import { planSourceEngine } from '../engines/plan-engine.js';
import type { EngineSource } from '../engines/engine-config.js';

export type { StreamPlan } from './plan-streams.js';

/** Everything a run needs, resolved and checked before anything runs. */
export interface RunPlan {
  job: Job;
  contract: DataContract;
  streams: StreamPlan[];
  source: {
    connector: ConnectorEntry;
    recipe?: Recipe;
    /** The reader plugin's manifest ('' when a subprocess engine reads the source). */
    plugin: string;
    /** Set when the source runs on a subprocess engine (singer, airbyte) instead of a plugin. */
    engine?: EngineSource;
    /** The first stream's bindings and config (what check, spec and plugin test use). */
    bindings: Record<string, string>;
    config: Record<string, unknown>;
  };
  target: { connector: ConnectorEntry; recipe?: Recipe };
  /** What a user should know about the job as written (shown by check and the run summary). */
  notes: string[];
}

export interface PlanOptions {
  env?: NodeJS.ProcessEnv;
  /** The connector registry (default: registry/connectors.yaml of this package). */
  registry?: string;
}

const defaultRecipe = (type: string): string | undefined => {
  const f = join(packageRoot, 'connectors', `${type}.yaml`);
  return existsSync(f) ? f : undefined;
};

/** Loads and cross-checks a job: registry, recipes, contract, plugin, files. Throws ConfigError. */
export function planJob(jobOrFile: Job | string, opts: PlanOptions = {}): RunPlan {
  const job = typeof jobOrFile === 'string' ? loadJob(jobOrFile, opts.env) : jobOrFile;
  const registry: Registry = loadRegistry(opts.registry ?? join(packageRoot, 'registry', 'connectors.yaml'));
  const src = connectorFor(registry, job.source_connector, 'source', job.file);
  const tgt = connectorFor(registry, job.target_connector, 'target', job.file);
  const fail = (key: string, message: string, code = 'CONFIG_INVALID'): never => {
    throw new ConfigError(code, `${job.file}: ${key}: ${message}`, { details: { file: job.file, key } });
  };

  if (job.environment === 'cloud') {
    for (const [key, type, entry] of [['source_connector', job.source_connector, src], ['target_connector', job.target_connector, tgt]] as const) {
      if (!entry.allowed_in_cloud) fail(key, `connector "${type}" is not allowed in the cloud environment (registry: allowed_in_cloud: false)`, 'CONFIG_CONNECTOR_NOT_ALLOWED');
    }
  }

  const incremental = job.source.incremental;
  if (incremental && incremental.strategy !== 'full_refresh') {
    if (!src.supports_incremental) fail('source.incremental', `connector "${job.source_connector}" does not support incremental reads`);
    if (!src.incremental_strategies.includes(incremental.strategy)) {
      fail('source.incremental.strategy', `"${incremental.strategy}" is not supported by "${job.source_connector}" (supported: ${src.incremental_strategies.join(', ')})`);
    }
    if (incremental.strategy === 'cursor' && !incremental.cursor_field) fail('source.incremental.cursor_field', 'the cursor strategy needs a cursor_field');
  }

  const sourceRecipePath = job.paths.sourceRecipe ?? defaultRecipe(job.source_connector);
  const recipe = sourceRecipePath ? loadRecipe(sourceRecipePath) : undefined;
  if (recipe && recipe.type !== job.source_connector) fail('source_connector_path', `recipe ${sourceRecipePath} is for "${recipe.type}", not "${job.source_connector}"`);
  const targetRecipePath = job.paths.targetRecipe ?? defaultRecipe(job.target_connector);
  const targetRecipe = targetRecipePath ? loadRecipe(targetRecipePath) : undefined;

  const notes: string[] = [];
  const engine = planSourceEngine(job, src, recipe, notes, fail);
  const plugin = engine ? '' : (job.paths.sourcePlugin ?? recipe?.pluginPath);
  if (!engine && !plugin) fail('source.plugin', `no reader plugin: set source.plugin, or a recipe for "${job.source_connector}" that names one`);
  if (!engine && !existsSync(plugin!)) {
    fail('source.plugin', `plugin manifest ${plugin} does not exist (build the plugin first: dativo-host plugin build ${dirname(dirname(plugin!))})`, 'PLUGIN_NOT_BUILT');
  }

  if (!existsSync(job.paths.asset)) fail('asset_path', `contract ${job.paths.asset} does not exist`, 'CONTRACT_NOT_FOUND');
  const contract: DataContract = loadContract(job.paths.asset);
  if (!SCOPE_NAME.test(job.name)) fail('job_name', `"${job.name}" (from the file name) cannot name a job's folders: set job_name (letters, digits, ".", "_", "-")`);
  if (!incremental) notes.push('no incremental block: each run reads the whole source again (append adds every row again; set source.incremental, or write_disposition: replace)');
  const streams = planStreams(job, contract, recipe, fail);
  for (const entry of job.target.partitioning) {
    // An Iceberg target also takes day(col) (targets/iceberg/partition-spec.ts).
    const col = job.target.catalog ? entry.replace(/^day\(\s*([^()\s]+)\s*\)$/, '$1') : entry;
    for (const s of streams) {
      if (!s.object.fields.some((f) => f.name === col)) fail('target.partitioning', `column "${col}" is not in the contract's "${s.name}"`);
    }
  }
  const conn = job.target.connection;
  if (!job.paths.targetPlugin && job.target_connector === 'local' && !job.paths.localTarget) fail('target.connection', 'the local target needs connection.local.path');
  if (!job.paths.targetPlugin && job.target_connector === 's3' && !(conn && 's3' in conn)) fail('target.connection', 'the s3 target needs connection.s3 {bucket, prefix}');

  if (job.invalid_rows === 'quarantine' && job.paths.targetPlugin) {
    fail('invalid_rows', 'quarantine writes `_rejected/<stream>` in the built-in target; a writer plugin cannot take it', 'DISPOSITION_NOT_SUPPORTED');
  }
  if (job.invalid_rows === 'quarantine' && job.extra_columns === 'keep') {
    fail('extra_columns', 'keep and invalid_rows: quarantine do not go together yet (the rejected table has the contract\'s columns only): use drop');
  }
  if (job.invalid_rows === 'quarantine' && job.schema_validation_mode === 'strict') {
    notes.push('invalid_rows: quarantine applies in warn mode only; in strict mode a failing row fails the run');
  }
  checkGrantsApart(job, streams, fail);
  const first = streams[0]!;
  return {
    job,
    contract,
    streams,
    source: { connector: src, recipe, plugin: plugin!, engine, bindings: first.bindings, config: first.config },
    target: { connector: tgt, recipe: targetRecipe },
    notes,
  };
}
