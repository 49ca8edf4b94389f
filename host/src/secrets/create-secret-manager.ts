import { isAbsolute, resolve, dirname } from 'node:path';
import { ConfigError } from '../errors/index.js';
import { FileSecretManager } from './file-secret-manager.js';
import { EnvSecretManager, noSecrets, type SecretManager } from './secret-manager.js';

export interface SecretsConfig {
  manager: 'env' | 'file' | 'none';
  prefix?: string;
  path?: string;
}

/** The secret manager a job's `secrets:` block names. */
export function createSecretManager(cfg: SecretsConfig, jobFile: string, env: NodeJS.ProcessEnv = process.env): SecretManager {
  switch (cfg.manager) {
    case 'env':
      return new EnvSecretManager(cfg.prefix ?? 'DATIVO_SECRET_', env);
    case 'file': {
      if (!cfg.path) throw new ConfigError('CONFIG_INVALID', `${jobFile}: secrets.path: the file secret manager needs a path`, { details: { file: jobFile, key: 'secrets.path' } });
      return new FileSecretManager(isAbsolute(cfg.path) ? cfg.path : resolve(dirname(jobFile), cfg.path));
    }
    case 'none':
      return noSecrets;
  }
}
