import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { loadContract, contractObjectFor, type ContractObject, type DataContract } from '../contracts/index.js';
import { loadJob, type Job } from '../config/job.js';
import { loadRecipe, type Recipe } from '../config/recipe.js';
import { connectorFor, loadRegistry, type ConnectorEntry, type Registry } from '../config/registry.js';
import { ConfigError } from '../errors/index.js';
import { packageRoot } from '../package-root.js';

/** Everything a run needs, resolved and checked before anything runs. */
export interface RunPlan {
  job: Job;
  contract: DataContract;
  streams: { name: string; object: ContractObject }[];
  source: {
    connector: ConnectorEntry;
    recipe?: Recipe;
    /** The reader plugin's manifest. */
    plugin: string;
    /** Host folders bound to the plugin's guest mounts. */
    bindings: Record<string, string>;
    /** The plugin config (recipe defaults, job config, files as guest paths, incremental). */
    config: Record<string, unknown>;
  };
  target: { connector: ConnectorEntry; recipe?: Recipe };
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

  const inc = job.source.incremental;
  if (inc && inc.strategy !== 'full_refresh') {
    if (!src.supports_incremental) fail('source.incremental', `connector "${job.source_connector}" does not support incremental reads`);
    if (!src.incremental_strategies.includes(inc.strategy)) {
      fail('source.incremental.strategy', `"${inc.strategy}" is not supported by "${job.source_connector}" (supported: ${src.incremental_strategies.join(', ')})`);
    }
    if (inc.strategy === 'cursor' && !inc.cursor_field) fail('source.incremental.cursor_field', 'the cursor strategy needs a cursor_field');
  }

  const sourceRecipePath = job.paths.sourceRecipe ?? defaultRecipe(job.source_connector);
  const recipe = sourceRecipePath ? loadRecipe(sourceRecipePath) : undefined;
  if (recipe && recipe.type !== job.source_connector) fail('source_connector_path', `recipe ${sourceRecipePath} is for "${recipe.type}", not "${job.source_connector}"`);
  const targetRecipePath = job.paths.targetRecipe ?? defaultRecipe(job.target_connector);
  const targetRecipe = targetRecipePath ? loadRecipe(targetRecipePath) : undefined;

  const plugin = job.paths.sourcePlugin ?? recipe?.pluginPath;
  if (!plugin) fail('source.plugin', `no reader plugin: set source.plugin, or a recipe for "${job.source_connector}" that names one`);
  if (!existsSync(plugin!)) {
    fail('source.plugin', `plugin manifest ${plugin} does not exist (build the plugin first: dativo-host plugin build ${dirname(dirname(plugin!))})`, 'PLUGIN_NOT_BUILT');
  }

  if (!existsSync(job.paths.asset)) fail('asset_path', `contract ${job.paths.asset} does not exist`, 'CONTRACT_NOT_FOUND');
  const contract: DataContract = loadContract(job.paths.asset);
  const names = job.source.objects ?? contract.objects.map((o) => o.name);
  const streams = names.map((name) => ({ name, object: contractObjectFor(contract, name) }));

  const bindings: Record<string, string> = {};
  const config: Record<string, unknown> = { ...(recipe?.default_config ?? {}), ...job.source.config };
  const files = job.paths.sourceFiles;
  if (files.length > 0) {
    const mount = recipe?.files_mount ?? '/data';
    const dirs = [...new Set(files.map((f) => dirname(f)))];
    if (dirs.length > 1) fail('source.files', `all files must be in one folder (found: ${dirs.join(', ')})`);
    for (const f of files) if (!f.includes('*') && !existsSync(f)) fail('source.files', `file ${f} does not exist`, 'SOURCE_FILE_NOT_FOUND');
    bindings[mount] = dirs[0]!;
    config.files = files.map((f) => `${mount}/${basename(f)}`);
  }
  if (inc) config.incremental = inc;

  for (const col of job.target.partitioning) {
    for (const s of streams) {
      if (!s.object.fields.some((f) => f.name === col)) fail('target.partitioning', `column "${col}" is not in the contract's "${s.name}"`);
    }
  }
  const conn = job.target.connection;
  if (!job.paths.targetPlugin && job.target_connector === 'local' && !job.paths.localTarget) fail('target.connection', 'the local target needs connection.local.path');
  if (!job.paths.targetPlugin && job.target_connector === 's3' && !(conn && 's3' in conn)) fail('target.connection', 'the s3 target needs connection.s3 {bucket, prefix}');

  return { job, contract, streams, source: { connector: src, recipe, plugin: plugin!, bindings, config }, target: { connector: tgt, recipe: targetRecipe } };
}
