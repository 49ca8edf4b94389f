import { SecretManagerError, type SecretErrorCode } from '../errors/secret-errors.js';
import type { SecretManager } from './secret-manager.js';
import { secretRef } from './secret-ref.js';
import { VaultToken, type VaultAuthConfig, type VaultCall } from './vault-auth.js';

export interface VaultSecretsConfig {
  /** Default: $VAULT_ADDR. */
  address?: string;
  /** Enterprise / OpenBao namespace (X-Vault-Namespace). */
  namespace?: string;
  /** The KV engine's mount (default `secret`) and version (default 2). */
  mount?: string;
  kv_version?: 1 | 2;
  /** Paths of unmapped names: `<prefix><name>`, field `value`. */
  prefix?: string;
  /** name → `<path>#<field>` under the mount. */
  keys?: Record<string, string>;
  /** How to log in (default: a token in $VAULT_TOKEN). */
  auth?: VaultAuthConfig;
}

/**
 * HashiCorp Vault / OpenBao KV v1 or v2, over its HTTP API; token, AppRole or JWT
 * (Kubernetes service account) login; the token is renewed while the run lasts.
 */
export class VaultSecretManager implements SecretManager {
  readonly kind = 'vault';
  readonly #token: VaultToken;
  constructor(readonly cfg: VaultSecretsConfig, private readonly env: NodeJS.ProcessEnv = process.env) {
    const call: VaultCall = (name, method, path, token, json) => this.#call(name, method, path, token, json);
    const error = (code: SecretErrorCode, name: string, why: string) => this.#error(code, name, why);
    this.#token = new VaultToken(cfg.auth ?? { method: 'token' }, env, call, error);
  }

  async get(name: string): Promise<string | undefined> {
    const ref = secretRef(name, this.cfg.keys, this.cfg.prefix);
    const field = ref.field ?? 'value';
    const mount = trimSlashes(this.cfg.mount ?? 'secret');
    const path = trimSlashes(ref.path);
    const v2 = (this.cfg.kv_version ?? 2) === 2;
    const url = `${mount}/${v2 ? 'data/' : ''}${path}`;
    const token = await this.#token.token(name);
    let body: Record<string, any> | undefined;
    try {
      body = await this.#call(name, 'GET', url, token);
    } catch (e) {
      // A token revoked or expired before its time: one new login (approle, jwt), one retry.
      if ((e as SecretManagerError).code !== 'SECRET_MANAGER_AUTH' || !this.#token.refused(token)) throw e;
      body = await this.#call(name, 'GET', url, await this.#token.token(name));
    }
    if (body === undefined) return undefined;
    const data = (v2 ? body.data?.data : body.data) as Record<string, unknown> | null | undefined;
    const v = data?.[field];
    if (v === undefined || v === null) return undefined;
    return typeof v === 'string' ? v : JSON.stringify(v);
  }

  /** Stops renewing the token. */
  close(): void {
    this.#token.close();
  }

  /** One API call; undefined for a 404 (no such secret). */
  async #call(...[name, method, path, token, json]: Parameters<VaultCall>): ReturnType<VaultCall> {
    const address = this.cfg.address ?? this.env.VAULT_ADDR;
    if (!address) {
      throw this.#error('SECRET_MANAGER_FAILED', name, 'no address: set secrets.vault.address or $VAULT_ADDR');
    }
    const headers: Record<string, string> = {};
    if (token) headers['X-Vault-Token'] = token;
    if (this.cfg.namespace) headers['X-Vault-Namespace'] = this.cfg.namespace;
    if (json !== undefined) headers['Content-Type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(`${address.replace(/\/+$/, '')}/v1/${path}`, {
        method,
        headers,
        body: json === undefined ? undefined : JSON.stringify(json),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (e) {
      const why = `${address} cannot be reached (${(e as Error).message})`;
      throw this.#error('SECRET_MANAGER_UNREACHABLE', name, why, { retryable: true, cause: e });
    }
    if (res.status === 404) return undefined;
    const text = await res.text();
    if (!res.ok) {
      // Vault's error text names paths and reasons, never a secret value.
      const why = errorsOf(text);
      // A refused login (wrong secret id, a JWT of another key or subject) is a 400.
      const login = /^auth\/.+\/login$/.test(path);
      const refused = res.status === 401 || res.status === 403 || (res.status === 400 && login);
      const code = refused ? 'SECRET_MANAGER_AUTH' : 'SECRET_MANAGER_FAILED';
      const what = `${method} /v1/${path}: HTTP ${res.status}${why ? ` (${why})` : ''}`;
      throw this.#error(code, name, what, { retryable: res.status >= 500 });
    }
    return text ? (JSON.parse(text) as Record<string, any>) : {};
  }

  #error(code: SecretErrorCode, name: string, why: string, opts?: { retryable?: boolean; cause?: unknown }) {
    return new SecretManagerError(code, 'vault', name, why, opts);
  }
}

const trimSlashes = (s: string) => s.replace(/^\/+|\/+$/g, '');

function errorsOf(text: string): string {
  try {
    const errors = (JSON.parse(text) as { errors?: unknown }).errors;
    return Array.isArray(errors) ? errors.map(String).join('; ').slice(0, 300) : '';
  } catch {
    return '';
  }
}
