/**
 * Where a job's secrets come from. The host resolves only the names a plugin's grant
 * declares, and hands them to the plugin through dativo:plugin/secrets, never as
 * environment variables. Vault, AWS Secrets Manager and GCP Secret Manager implement
 * this same interface (host/src/secrets/vault.ts, aws.ts, gcp.ts).
 */
export interface SecretManager {
  readonly kind: string;
  get(name: string): Promise<string | undefined>;
  /** Ends what the manager keeps going for the run (vault: the token's renewal). */
  close?(): void;
}

/** Secrets held in memory: for embedding the host in CI and for tests. */
export class StaticSecretManager implements SecretManager {
  readonly kind = 'static';
  readonly #values: Map<string, string>;
  constructor(values: Record<string, string>) {
    this.#values = new Map(Object.entries(values));
  }
  async get(name: string): Promise<string | undefined> {
    return this.#values.get(name);
  }
}

/** Secrets from the host's environment: secret `api_token` is read from DATIVO_SECRET_API_TOKEN (prefix configurable). */
export class EnvSecretManager implements SecretManager {
  readonly kind = 'env';
  constructor(private readonly prefix = 'DATIVO_SECRET_', private readonly env: NodeJS.ProcessEnv = process.env) {}
  async get(name: string): Promise<string | undefined> {
    return this.env[this.prefix + name.toUpperCase().replace(/[^A-Z0-9]/g, '_')];
  }
}

/** No secrets at all: the default when a job names no secret manager. */
export const noSecrets: SecretManager = { kind: 'none', get: async () => undefined };
