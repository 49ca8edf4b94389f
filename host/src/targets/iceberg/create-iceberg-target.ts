/** A job's target.catalog as an IcebergTarget: its settings checked, its credentials from the job's secret manager. */
import type { Logger } from 'pino';
import type { Job } from '../../config/job.js';
import { ConfigError } from '../../errors/index.js';
import { audit, registerSecretValues } from '../../logging/logger.js';
import { createSecretManager } from '../../secrets/create-secret-manager.js';
import type { SecretManager } from '../../secrets/secret-manager.js';
import { LocalStore } from '../local-store.js';
import type { TargetStore } from '../store.js';
import type { CatalogSettings } from './catalog.js';
import { IcebergTarget } from './iceberg-target.js';
import { parsePartitioning } from './partition-spec.js';
import { localWarehouse, s3Warehouse, type Warehouse } from './warehouse.js';

export interface IcebergTargetContext {
  secrets?: SecretManager;
  log?: Logger;
}

export async function createIcebergTarget(job: Job, ctx: IcebergTargetContext = {}): Promise<IcebergTarget> {
  const fail = (key: string, message: string): never => {
    throw new ConfigError('CONFIG_INVALID', `${job.file}: ${key}: ${message} (docs/iceberg.md)`, { details: { file: job.file, key } });
  };
  const cat = job.target.catalog ?? fail('target.catalog', 'the iceberg target needs its REST catalog: {uri, namespace}');
  // Iceberg tables take one schema and one spec per table: settings that would write otherwise are refused.
  if (job.invalid_rows === 'quarantine') fail('invalid_rows', 'quarantine has no Iceberg table (use keep, or a Parquet target)');
  if (job.extra_columns === 'keep') fail('extra_columns', 'keep would write columns the table schema does not have');
  if (job.target.write_disposition && job.target.write_disposition !== 'append') fail('target.write_disposition', 'the Iceberg target appends (replace and merge are not supported yet)');
  for (const o of job.source.objects ?? []) {
    if (typeof o !== 'string' && o.write_disposition && o.write_disposition !== 'append') fail('source.objects', `stream ${o.name}: only append is supported on the Iceberg target`);
  }
  if (cat.token_secret && cat.credential_secret) fail('target.catalog', 'give token_secret or credential_secret, not both');
  let partitioning;
  try {
    partitioning = parsePartitioning(job.target.partitioning);
  } catch (e) {
    fail('target.partitioning', (e as Error).message);
  }
  let store: TargetStore;
  let warehouse: Warehouse;
  const conn = job.target.connection;
  if (job.paths.localTarget) {
    store = new LocalStore(job.paths.localTarget);
    warehouse = localWarehouse(job.paths.localTarget);
  } else if (conn && 's3' in conn) {
    store = new (await import('../s3-store.js')).S3Store(conn.s3);
    warehouse = await s3Warehouse(conn.s3);
  } else {
    return fail('target.connection', 'the Iceberg warehouse is a local path or an s3 bucket');
  }
  const secrets = ctx.secrets ?? createSecretManager(job.secrets, job.file);
  const secret = async (key: 'token_secret' | 'credential_secret'): Promise<string | undefined> => {
    const name = cat[key];
    if (!name) return undefined;
    const value = await secrets.get(name);
    if (ctx.log) {
      audit(ctx.log, 'secret.read', { secret: name, found: value !== undefined, for: `target.catalog.${key}` });
      if (value) registerSecretValues(ctx.log, [value]); // never in a log line
    }
    return value ?? fail(`target.catalog.${key}`, `secret "${name}" is not in the job's secret manager (${secrets.kind})`);
  };
  const settings = async (): Promise<CatalogSettings> => ({
    uri: cat.uri,
    warehouse: cat.warehouse,
    namespace: cat.namespace.split('.'),
    auth: { token: await secret('token_secret'), credential: await secret('credential_secret'), oauthUri: cat.oauth_uri, scope: cat.scope },
  });
  return new IcebergTarget({ store, warehouse, settings, tables: cat.tables ?? {}, partitioning: partitioning!, commitRetries: cat.commit_retries });
}
