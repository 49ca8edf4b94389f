import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { loadContract, contractObjectFor, type ContractObject, type DataContract } from '../contracts/index.js';
import { loadJob, type Job, type WriteDisposition } from '../config/job.js';
import { SCOPE_NAME, STREAM_NAME } from '../targets/keys.js';
import { checkGrantsApart } from '../capabilities/target-overlap.js';
import { loadRecipe, type Recipe } from '../config/recipe.js';
import { connectorFor, loadRegistry, type ConnectorEntry, type Registry } from '../config/registry.js';
import { ConfigError } from '../errors/index.js';
import { packageRoot } from '../package-root.js';

/** One stream of a run: its contract object, its own inputs, and what commit does with it. */
export interface StreamPlan {
  name: string;
  object: ContractObject;
  disposition: WriteDisposition;
  /** Host paths (the last component may hold * wildcards) of the stream's input files. */
  files: string[];
  /** Host folders bound to the reader's guest mounts for this stream (its files' folder only). */
  bindings: Record<string, string>;
  /** The plugin config of this stream (recipe defaults, job config, its files as guest paths, incremental). */
  config: Record<string, unknown>;
  /** The job key its files came from (source.files or source.objects[i].files), for error messages. */
  filesKey: string;
}

/** Everything a run needs, resolved and checked before anything runs. */
export interface RunPlan {
  job: Job;
  contract: DataContract;
  streams: StreamPlan[];
  source: {
    connector: ConnectorEntry;
    recipe?: Recipe;
    /** The reader plugin's manifest. */
    plugin: string;
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

  const plugin = job.paths.sourcePlugin ?? recipe?.pluginPath;
  if (!plugin) fail('source.plugin', `no reader plugin: set source.plugin, or a recipe for "${job.source_connector}" that names one`);
  if (!existsSync(plugin!)) {
    fail('source.plugin', `plugin manifest ${plugin} does not exist (build the plugin first: dativo-host plugin build ${dirname(dirname(plugin!))})`, 'PLUGIN_NOT_BUILT');
  }

  if (!existsSync(job.paths.asset)) fail('asset_path', `contract ${job.paths.asset} does not exist`, 'CONTRACT_NOT_FOUND');
  const contract: DataContract = loadContract(job.paths.asset);
  const entries = (job.source.objects ?? contract.objects.map((o) => o.name)).map((o) => (typeof o === 'string' ? { name: o } : o));
  const names = entries.map((e) => e.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) fail('source.objects', `stream "${twice}" is listed twice`);
  if (!SCOPE_NAME.test(job.name)) fail('job_name', `"${job.name}" (from the file name) cannot name a job's folders: set job_name (letters, digits, ".", "_", "-")`);

  // Files belong to one stream each: a shared list would let every stream read every file.
  const shared = job.paths.sourceFiles;
  if (shared.length > 0 && entries.length > 1) {
    fail('source.files', `${entries.length} streams (${names.join(', ')}) would all read the same files: give each stream its own list (source.objects: [{name: ${names[0]}, files: [...]}, ...])`);
  }
  if (shared.length > 0 && entries.some((e) => 'files' in e && e.files)) fail('source.files', 'set the files either here or in source.objects[].files, not both');

  const inc = job.source.incremental;
  const notes: string[] = [];
  if (!inc) notes.push('no incremental block: each run reads the whole source again (append adds every row again; set source.incremental, or write_disposition: replace)');
  const mount = recipe?.files_mount ?? '/data';
  const streams: StreamPlan[] = entries.map((entry, i) => {
    const key = `source.objects[${i}]`;
    if (!STREAM_NAME.test(entry.name)) fail(key, `"${entry.name}" cannot name a stream folder (letters, digits, ".", "_", "-"; not starting with "." or "_")`);
    const object = contractObjectFor(contract, entry.name);
    const files = job.paths.streamFiles[entry.name] ?? shared;
    const filesKey = job.paths.streamFiles[entry.name] ? `${key}.files` : 'source.files';
    const config: Record<string, unknown> = { ...(recipe?.default_config ?? {}), ...job.source.config };
    const bindings: Record<string, string> = {};
    if (files.length > 0) {
      const dirs = [...new Set(files.map((f) => dirname(f)))];
      if (dirs.length > 1) fail(filesKey, `all files of stream "${entry.name}" must be in one folder (found: ${dirs.join(', ')})`);
      for (const f of files) if (!f.includes('*') && !existsSync(f)) fail(filesKey, `file ${f} does not exist`, 'SOURCE_FILE_NOT_FOUND');
      bindings[mount] = dirs[0]!;
      config.files = files.map((f) => `${mount}/${basename(f)}`);
    }
    if (inc && inc.strategy !== 'full_refresh') config.incremental = inc;
    const disposition = ('write_disposition' in entry ? entry.write_disposition : undefined) ?? job.target.write_disposition ?? (inc?.strategy === 'full_refresh' ? 'replace' : 'append');
    const dispositionKey = 'write_disposition' in entry && entry.write_disposition ? `${key}.write_disposition` : 'target.write_disposition';
    if (inc?.strategy === 'full_refresh' && disposition === 'append') {
      fail(dispositionKey, `full_refresh reloads every row on each run: with append, stream "${entry.name}" would hold them again and again (use replace)`);
    }
    if (disposition === 'replace' && config.incremental !== undefined) {
      fail(dispositionKey, `replace with an incremental read would leave stream "${entry.name}" holding only the rows after the last checkpoint: use append, or strategy full_refresh`);
    }
    if (disposition === 'merge') {
      fail(dispositionKey, `merge (upsert on the primary key${object.primaryKey.length ? ` ${object.primaryKey.join(', ')}` : ''}) needs a table-format target (Iceberg), which this version does not have; the local and S3 targets take append or replace`, 'DISPOSITION_NOT_SUPPORTED');
    }
    if (disposition === 'replace' && job.paths.targetPlugin) {
      fail(dispositionKey, 'replace is done by the built-in target; a writer plugin decides itself what happens to earlier data', 'DISPOSITION_NOT_SUPPORTED');
    }
    return { name: entry.name, object, disposition, files, bindings, config, filesKey };
  });
  for (const col of job.target.partitioning) {
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
    source: { connector: src, recipe, plugin: plugin!, bindings: first.bindings, config: first.config },
    target: { connector: tgt, recipe: targetRecipe },
    notes,
  };
}
