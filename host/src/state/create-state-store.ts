import type { Logger } from 'pino';
import type { Job } from '../config/job.js';
import { ConfigError } from '../errors/index.js';
import { audit, registerSecretValues } from '../logging/logger.js';
import type { SecretManager } from '../secrets/secret-manager.js';
import { CommittedTarget } from '../targets/commit-protocol.js';
import type { Target } from '../targets/target.js';
import { PostgresStateStore } from './postgres-state-store.js';
import { FileStateStore, type ManagedStateStore } from './state-store.js';
import { TargetStateStore } from './target-state-store.js';

export type StateBackend = ManagedStateStore['backend'];

/**
 * The job's state.backend, or its default: target for an S3 target (runs land on many
 * machines and the bucket is the one place they all reach), file otherwise.
 */
export function stateBackendOf(job: Job): StateBackend {
  const conn = job.target.connection;
  return job.state.backend ?? (!job.paths.targetPlugin && conn && 's3' in conn ? 'target' : 'file');
}

export interface StateStoreContext {
  /** The built-in target of the run (none with a writer plugin). */
  target?: Target;
  secrets: SecretManager;
  log?: Logger;
  newRunId: () => string;
}

/** The job's state store; target and postgres take a stream's file state once, when they have none. */
export async function createStateStore(job: Job, ctx: StateStoreContext): Promise<ManagedStateStore> {
  const backend = stateBackendOf(job);
  const file = new FileStateStore(job.paths.stateDir);
  const fail = (key: string, message: string): never => {
    throw new ConfigError('CONFIG_INVALID', `${job.file}: ${key}: ${message}`, { details: { file: job.file, key } });
  };
  switch (backend) {
    case 'file':
      return file;
    case 'target':
      if (!(ctx.target instanceof CommittedTarget)) {
        return fail('state.backend', 'target keeps the state in the commit manifests of the built-in local or s3 target; a writer plugin has none (use file or postgres)');
      }
      return new TargetStateStore(ctx.target, { fallback: file, log: ctx.log, newRunId: ctx.newRunId });
    case 'postgres': {
      const pg = job.state.postgres ?? fail('state.postgres', 'backend postgres needs {database, user, password_secret, ...}');
      let password: string | undefined;
      if (pg.password_secret) {
        password = await ctx.secrets.get(pg.password_secret);
        if (ctx.log) {
          audit(ctx.log, 'secret.read', { secret: pg.password_secret, found: password !== undefined, for: 'state.postgres' });
          if (password) registerSecretValues(ctx.log, [password]); // never in a log line
        }
        if (password === undefined) {
          fail('state.postgres.password_secret', `secret "${pg.password_secret}" is not in the job's secret manager (${ctx.secrets.kind})`);
        }
      }
      return new PostgresStateStore({ ...pg, password }, { fallback: file, log: ctx.log });
    }
  }
}
