import type { SecretsManagerClient, SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import { SecretManagerError } from '../errors/secret-errors.js';
import type { SecretManager } from './secret-manager.js';
import { secretRef, selectField } from './secret-ref.js';

export interface AwsSecretsConfig {
  region?: string;
  /** Another endpoint than AWS's (a VPC endpoint, a test server). */
  endpoint?: string;
  /** Secret ids of unmapped names: `<prefix><name>`. */
  prefix?: string;
  /** name → `<secret id>[#<json key>]`. */
  keys?: Record<string, string>;
  /** Default AWSCURRENT. */
  version_stage?: string;
}

/**
 * AWS Secrets Manager. Credentials come from the SDK's default chain (environment, shared
 * config, instance or container role); the job holds none.
 */
export class AwsSecretManager implements SecretManager {
  readonly kind = 'aws';
  #client: Promise<SecretsManagerClient> | undefined;
  constructor(readonly cfg: AwsSecretsConfig, readonly clientCfg: SecretsManagerClientConfig = {}) {}

  // The SDK is loaded on first use (~70 ms of module loading a run without aws secrets never pays).
  #sdk = () => import('@aws-sdk/client-secrets-manager');
  #connect(): Promise<SecretsManagerClient> {
    this.#client ??= this.#sdk().then(({ SecretsManagerClient }) => new SecretsManagerClient({
      ...(this.cfg.region ? { region: this.cfg.region } : {}),
      ...(this.cfg.endpoint ? { endpoint: this.cfg.endpoint } : {}),
      maxAttempts: 3,
      ...this.clientCfg,
    }));
    return this.#client;
  }

  async get(name: string): Promise<string | undefined> {
    const ref = secretRef(name, this.cfg.keys, this.cfg.prefix);
    const fail = (code: 'SECRET_INVALID', why: string): never => {
      throw new SecretManagerError(code, 'aws', name, `${ref.path} ${why}`);
    };
    let text: string | undefined;
    const { GetSecretValueCommand, ResourceNotFoundException } = await this.#sdk();
    const client = await this.#connect();
    try {
      const out = await client.send(
        new GetSecretValueCommand({ SecretId: ref.path, VersionStage: this.cfg.version_stage ?? 'AWSCURRENT' }),
      );
      text = out.SecretString ?? (out.SecretBinary ? Buffer.from(out.SecretBinary).toString('utf8') : undefined);
    } catch (e) {
      if (e instanceof ResourceNotFoundException) return undefined;
      throw awsError(e, name, ref.path);
    }
    if (text === undefined || ref.field === undefined) return text;
    return selectField(text, ref.field, (why) => fail('SECRET_INVALID', why));
  }
}

function awsError(e: unknown, name: string, id: string): SecretManagerError {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number }; code?: string };
  const status = err.$metadata?.httpStatusCode;
  if (status === undefined) {
    return new SecretManagerError('SECRET_MANAGER_UNREACHABLE', 'aws', name, `${id}: the service cannot be reached (${err.code ?? err.name ?? 'network error'})`, { retryable: true, cause: e });
  }
  const auth = status === 401 || status === 403 || /AccessDenied|UnrecognizedClient|InvalidSignature|ExpiredToken/.test(err.name ?? '');
  return new SecretManagerError(auth ? 'SECRET_MANAGER_AUTH' : 'SECRET_MANAGER_FAILED', 'aws', name, `${id}: ${err.name ?? 'error'} (HTTP ${status})`, { retryable: status >= 500, cause: e });
}
