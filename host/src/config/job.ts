import { basename, dirname, isAbsolute, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../errors/index.js';
import type { JobPolicy } from '../capabilities/job-policy.js';
import { secretsSchema } from '../secrets/secrets-schema.js';
import { substituteEnv } from './env-substitution.js';
import { parseYaml } from './yaml-file.js';

const incremental = z
  .object({
    strategy: z.enum(['cursor', 'file_mtime', 'full_refresh']),
    cursor_field: z.string().optional(),
    /** Re-read this far behind the last cursor (e.g. "2h", "1d"); passed to the reader. */
    lookback: z.string().regex(/^\d+[smhd]$/, 'a duration like 30m, 2h or 1d').optional(),
  })
  .strict();

/** What a run does with a stream's earlier data (see docs/jobs.md, "Write dispositions"). */
export const writeDisposition = z.enum(['append', 'replace', 'merge']);
export type WriteDisposition = z.output<typeof writeDisposition>;

/** A stream: a contract object's name, or the name with its own files and disposition. */
const streamEntry = z.union([
  z.string(),
  z
    .object({
      name: z.string(),
      /** This stream's input files (the last path component may hold * wildcards). */
      files: z.array(z.string()).min(1).optional(),
      write_disposition: writeDisposition.optional(),
    })
    .strict(),
]);

const connection = z.union([
  z.object({ local: z.object({ path: z.string() }).strict() }).strict(),
  z
    .object({
      s3: z.object({ bucket: z.string(), prefix: z.string().default(''), endpoint: z.string().optional(), region: z.string().default('us-east-1') }).strict(),
    })
    .strict(),
]);

/** target.catalog (docs/iceberg.md): the files become Iceberg snapshots through a REST catalog. */
const icebergCatalog = z
  .object({
    type: z.literal('rest').default('rest'),
    uri: z.string().url(),
    /** Sent to GET /v1/config as `warehouse`. */
    warehouse: z.string().optional(),
    /** The tables' namespace; dots separate levels. */
    namespace: z.string().regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/),
    /** Stream -> table name (default: the stream's name). */
    tables: z.record(z.string(), z.string().regex(/^[A-Za-z0-9_-]+$/)).optional(),
    /** Names in the job's secret manager: a bearer token, or OAuth2 `client_id:client_secret`. */
    token_secret: z.string().optional(),
    credential_secret: z.string().optional(),
    oauth_uri: z.string().url().optional(),
    scope: z.string().optional(),
    /** Commits retried when another writer committed first (409). */
    commit_retries: z.number().int().min(0).max(100).default(10),
  })
  .strict();

const policy = z
  .object({
    filesystem: z.array(z.object({ host: z.string(), access: z.enum(['read', 'read-write']) }).strict()).optional(),
    http: z.array(z.string()).optional(),
    tcp: z.array(z.string()).optional(),
    env: z.array(z.string()).optional(),
    secrets: z.array(z.string()).optional(),
    /** Every plugin needs a signed approval (docs/reviewing-plugins.md); false lifts no rule. */
    require_review: z.boolean().optional(),
    /** The reviewed-plugins lock and trusted keys files (defaults in docs/reviewing-plugins.md). */
    review_lock: z.string().optional(),
    trusted_keys: z.string().optional(),
    limits: z
      .object({
        memory_mb: z.number().int().positive().optional(),
        call_timeout_ms: z.number().int().positive().optional(),
        max_batch_bytes: z.number().int().positive().optional(),
        max_output_bytes: z.number().int().nonnegative().optional(),
        max_batch_rows: z.number().int().positive().optional(),
        max_batch_expanded_bytes: z.number().int().positive().optional(),
        max_checkpoint_bytes: z.number().int().positive().optional(),
        max_json_line_bytes: z.number().int().positive().optional(),
        max_message_bytes: z.number().int().min(256).optional(),
        max_log_fields: z.number().int().nonnegative().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export const jobSchema = z
  .object({
    tenant_id: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, ".", "_", "-"'),
    environment: z.string().default('dev'),
    job_name: z.string().regex(/^[A-Za-z0-9_.-]+$/).optional(),
    source_connector: z.string(),
    source_connector_path: z.string().optional(),
    target_connector: z.string(),
    target_connector_path: z.string().optional(),
    asset_path: z.string(),
    source: z
      .object({
        /** A reader plugin's manifest; overrides the recipe's plugin. */
        plugin: z.string().optional(),
        objects: z.array(streamEntry).min(1).optional(),
        /** Input files of a job with one stream; with several, each stream names its own. */
        files: z.array(z.string()).optional(),
        config: z.record(z.string(), z.unknown()).default({}),
        incremental: incremental.optional(),
        /** A singer or airbyte source's command, variables and limits (host/src/engines/engine-config.ts). */
        engine_config: z.record(z.string(), z.unknown()).optional(),
      })
      .strict(),
    target: z
      .object({
        plugin: z.string().optional(),
        connection: connection.optional(),
        file_format: z.literal('parquet').default('parquet'),
        compression: z.enum(['snappy', 'zstd', 'uncompressed']).default('snappy'),
        parquet_target_size_mb: z.number().positive().default(128),
        /** Rows per Parquet row group: larger gives smaller files and faster writes, for more memory. */
        row_group_rows: z.number().int().min(1024).default(131_072),
        /**
         * Threads encoding Parquet (default: 2, or 1 on a single core). A stream larger than
         * one row group is spread over this many files, encoded in parallel.
         */
        encoding_threads: z.number().int().min(1).max(16).optional(),
        partitioning: z.array(z.string()).default([]),
        catalog: icebergCatalog.optional(),
        /** Every stream's disposition unless its source.objects entry names one. */
        write_disposition: writeDisposition.optional(),
        config: z.record(z.string(), z.unknown()).default({}),
      })
      .strict(),
    schema_validation_mode: z.enum(['strict', 'warn']).default('strict'),
    /**
     * Input columns the contract does not name: error (the run fails), drop (reported once
     * per input, not written), keep (written after the contract's columns, as read).
     * Default: error in strict mode, drop in warn mode.
     */
    extra_columns: z.enum(['error', 'drop', 'keep']).optional(),
    /** warn mode: rows that break a rule are kept (counted) or moved to `_rejected/<stream>`. */
    invalid_rows: z.enum(['keep', 'quarantine']).default('keep'),
    /** Where secrets come from (docs/secrets.md); host/src/secrets/ owns the block. */
    secrets: secretsSchema,
    policy: policy.optional(),
    /**
     * Where incremental state lives (docs/jobs.md, State): file (default for a local target;
     * `path` is its folder), target (the commit manifests; default for s3), postgres.
     */
    state: z
      .object({
        backend: z.enum(['file', 'target', 'postgres']).optional(),
        path: z.string().optional(),
        postgres: z
          .object({
            host: z.string().default('127.0.0.1'),
            port: z.number().int().min(1).max(65535).default(5432),
            database: z.string(),
            user: z.string(),
            /** The name of the password in the job's secret manager (secrets:). */
            password_secret: z.string().optional(),
            table: z.string().regex(/^[a-z_][a-z0-9_]{0,40}$/).default('dativo_state'),
            ssl: z.boolean().default(false),
          })
          .strict()
          .optional(),
      })
      .strict()
      .default({}),
    /** Bytes of batches waiting between reader and writer. */
    // A few reader batches: enough to keep reader and writer busy at once; more only costs memory.
    queue_max_bytes: z.number().int().positive().default(8 * 2 ** 20),
    /**
     * Streams read at once, each with its own reader (default: the cores, at most the
     * streams). The run's queue_max_bytes is shared by the streams running at once.
     */
    max_parallel_streams: z.number().int().min(1).max(64).optional(),
    retries: z.object({ max_attempts: z.number().int().min(1).default(4), base_delay_ms: z.number().int().positive().default(500) }).strict().default({ max_attempts: 4, base_delay_ms: 500 }),
  })
  .strict();

export type JobConfig = z.output<typeof jobSchema>;

/** A job with every path resolved against the job file's folder. */
export interface Job extends JobConfig {
  file: string;
  name: string;
  paths: {
    asset: string;
    sourceRecipe?: string;
    targetRecipe?: string;
    sourcePlugin?: string;
    targetPlugin?: string;
    sourceFiles: string[];
    /** Stream name -> its own files (source.objects entries with files), resolved. */
    streamFiles: Record<string, string[]>;
    localTarget?: string;
    stateDir: string;
  };
  capabilityPolicy?: JobPolicy;
}

export function loadJob(file: string, env: NodeJS.ProcessEnv = process.env): Job {
  const abs = resolve(file);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (e) {
    throw new ConfigError('CONFIG_NOT_FOUND', `job ${abs} cannot be read: ${(e as Error).message}`, { details: { file: abs } });
  }
  // YAML syntax first (line and column), then ${VAR}, then the schema.
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length === 0) {
    const substituted = substituteEnv(doc.toJS(), env, abs);
    return resolveJob(parseYaml(JSON.stringify(substituted), abs, jobSchema, 'job'), abs);
  }
  return resolveJob(parseYaml(text, abs, jobSchema, 'job'), abs);
}

function resolveJob(cfg: JobConfig, file: string): Job {
  const dir = dirname(file);
  const at = (p: string | undefined) => (p === undefined ? undefined : isAbsolute(p) ? p : resolve(dir, p));
  const conn = cfg.target.connection;
  const { require_review, review_lock, trusted_keys, ...p } = cfg.policy ?? {};
  return {
    ...cfg,
    file,
    name: cfg.job_name ?? basename(file).replace(/\.ya?ml$/, ''),
    paths: {
      asset: at(cfg.asset_path)!,
      sourceRecipe: at(cfg.source_connector_path),
      targetRecipe: at(cfg.target_connector_path),
      sourcePlugin: at(cfg.source.plugin),
      targetPlugin: at(cfg.target.plugin),
      sourceFiles: (cfg.source.files ?? []).map((f) => at(f)!),
      streamFiles: Object.fromEntries(
        (cfg.source.objects ?? []).flatMap((o) => (typeof o === 'string' || o.files === undefined ? [] : [[o.name, o.files.map((f) => at(f)!)]])),
      ),
      localTarget: conn && 'local' in conn ? at(conn.local.path) : undefined,
      stateDir: at(cfg.state.path) ?? resolve(dir, '.dativo', 'state'),
    },
    // No policy block is the empty ceiling: a kind the policy does not list is denied.
    capabilityPolicy: {
      ...p,
      filesystem: p.filesystem?.map((f) => ({ ...f, host: at(f.host)! })),
      review: { require: require_review, environment: cfg.environment, lock: at(review_lock), trustedKeys: at(trusted_keys) },
      config: { reader: cfg.source.config, writer: cfg.target.config },
    },
  };
}
