import { isAbsolute, resolve, dirname } from 'node:path';
import { ConfigError } from '../errors/index.js';
import { AwsSecretManager, type AwsSecretsConfig } from './aws.js';
import { CachedSecretManager } from './cached-secret-manager.js';
import { FileSecretManager } from './file-secret-manager.js';
import { GcpSecretManager, type GcpSecretsConfig } from './gcp.js';
import { EnvSecretManager, noSecrets, type SecretManager } from './secret-manager.js';
import { VaultSecretManager, type VaultSecretsConfig } from './vault.js';

export interface SecretsConfig {
  manager: 'env' | 'file' | 'vault' | 'aws' | 'gcp' | 'none';
  prefix?: string;
  path?: string;
  /** vault, aws, gcp: name → reference in the manager (`<path or id>#<key>`). */
  keys?: Record<string, string>;
  vault?: Omit<VaultSecretsConfig, 'keys'>;
  aws?: Omit<AwsSecretsConfig, 'keys'>;
  gcp?: Omit<GcpSecretsConfig, 'keys'>;
}

/** The secret manager a job's `secrets:` block names. A remote one is asked once per name per run. */
export function createSecretManager(cfg: SecretsConfig, jobFile: string, env: NodeJS.ProcessEnv = process.env): SecretManager {
  switch (cfg.manager) {
    case 'env':
      return new EnvSecretManager(cfg.prefix ?? 'DATIVO_SECRET_', env);
    case 'file': {
      if (!cfg.path) throw new ConfigError('CONFIG_INVALID', `${jobFile}: secrets.path: the file secret manager needs a path`, { details: { file: jobFile, key: 'secrets.path' } });
      return new FileSecretManager(isAbsolute(cfg.path) ? cfg.path : resolve(dirname(jobFile), cfg.path));
    }
    case 'vault':
      return new CachedSecretManager(new VaultSecretManager({ ...cfg.vault, keys: cfg.keys }, env));
    case 'aws':
      return new CachedSecretManager(new AwsSecretManager({ ...cfg.aws, keys: cfg.keys }));
    case 'gcp':
      return new CachedSecretManager(new GcpSecretManager({ ...cfg.gcp, keys: cfg.keys }));
    case 'none':
      return noSecrets;
  }
}
