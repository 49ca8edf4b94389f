import { readFileSync } from 'node:fs';
import type { SecretErrorCode, SecretManagerError } from '../errors/secret-errors.js';

/** Names of the variables and files that hold the credentials: the job holds none. */
export interface VaultAuthConfig {
  method: 'token' | 'approle' | 'jwt';
  /** token: default VAULT_TOKEN. */
  token_env?: string;
  /** approle: default VAULT_ROLE_ID and VAULT_SECRET_ID. */
  role_id_env?: string;
  secret_id_env?: string;
  /** jwt: the role to log in as. */
  role?: string;
  /** jwt: the JWT's file (default Kubernetes' projected service account token) or variable. */
  jwt_file?: string;
  jwt_env?: string;
  /** The auth method's mount (default `approle` or `jwt`). */
  mount?: string;
}

export const KUBERNETES_TOKEN_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/** One API call for the read of secret `name` (errors name it); undefined for a 404. */
export type VaultCall = (
  name: string,
  method: string,
  path: string,
  token?: string,
  json?: unknown,
) => Promise<Record<string, any> | undefined>;
export type VaultError = (code: SecretErrorCode, name: string, why: string) => SecretManagerError;

interface Lease {
  token: string;
  /** The secret whose read logged in. */
  name: string;
  /** Date.now() ms when the token expires; Infinity when it does not. */
  expiresAt: number;
  renewable: boolean;
}

/**
 * The client token for one manager: logs in once, renews the token (auth/token/renew-self)
 * at two thirds of its TTL so a long run keeps it, and logs in again (approle, jwt) once
 * it expired or could not be renewed. The renewal timer never keeps the process alive.
 */
export class VaultToken {
  #lease: Promise<Lease> | undefined;
  #last: Lease | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  constructor(
    readonly cfg: VaultAuthConfig,
    private readonly env: NodeJS.ProcessEnv,
    private readonly call: VaultCall,
    private readonly error: VaultError,
  ) {}

  /** A live token for the read of secret `name`. */
  async token(name: string): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      this.#lease ??= this.#login(name);
      this.#lease.catch(() => (this.#lease = undefined));
      const lease = (this.#last = await this.#lease);
      // A token can be given only once (token method); a login can be repeated.
      const live = lease.expiresAt > Date.now() + 1000;
      if (live || this.cfg.method === 'token' || attempt > 0) return lease.token;
      this.#lease = undefined;
    }
  }

  /**
   * The server refused `token` (revoked, expired early): forget it so the next token() logs
   * in again. False for the token method, whose token cannot be replaced.
   */
  refused(token: string): boolean {
    if (this.cfg.method === 'token') return false;
    if (this.#last?.token === token) {
      clearTimeout(this.#timer);
      this.#lease = this.#last = undefined;
    }
    return true;
  }

  /** Stops renewing. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
  }

  async #login(name: string): Promise<Lease> {
    const { method } = this.cfg;
    if (method === 'token') {
      const v = this.cfg.token_env ?? 'VAULT_TOKEN';
      const token = this.env[v];
      if (!token) throw this.error('SECRET_MANAGER_AUTH', name, `token login: $${v} is not set`);
      const self = await this.call(name, 'GET', 'auth/token/lookup-self', token);
      if (!self) throw this.error('SECRET_MANAGER_AUTH', name, 'token login: the token was not found');
      return this.#keep(name, token, Number(self.data?.ttl ?? 0), self.data?.renewable === true);
    }
    const body =
      method === 'approle'
        ? this.#approle(name)
        : { role: this.#need(name, this.cfg.role, 'secrets.vault.auth.role'), jwt: this.#jwt(name) };
    const path = `auth/${trim(this.cfg.mount ?? method)}/login`;
    const out = await this.call(name, 'POST', path, undefined, body);
    const auth = out?.auth as { client_token?: string; lease_duration?: number; renewable?: boolean };
    if (!auth?.client_token) {
      throw this.error('SECRET_MANAGER_AUTH', name, `${method} login returned no token`);
    }
    return this.#keep(name, auth.client_token, Number(auth.lease_duration ?? 0), auth.renewable === true);
  }

  #approle(name: string) {
    const roleVar = this.cfg.role_id_env ?? 'VAULT_ROLE_ID';
    const secretVar = this.cfg.secret_id_env ?? 'VAULT_SECRET_ID';
    const role_id = this.env[roleVar];
    const secret_id = this.env[secretVar];
    if (!role_id || !secret_id) {
      throw this.error('SECRET_MANAGER_AUTH', name, `approle login: $${roleVar} and $${secretVar} must be set`);
    }
    return { role_id, secret_id };
  }

  #jwt(name: string): string {
    if (this.cfg.jwt_env) return this.#need(name, this.env[this.cfg.jwt_env], `$${this.cfg.jwt_env}`);
    const file = this.cfg.jwt_file ?? KUBERNETES_TOKEN_FILE;
    let jwt: string;
    try {
      jwt = readFileSync(file, 'utf8').trim();
    } catch (e) {
      const why = `jwt login: ${file} cannot be read (${(e as { code?: string }).code ?? e})`;
      throw this.error('SECRET_MANAGER_AUTH', name, why);
    }
    return this.#need(name, jwt, file);
  }

  #need(name: string, v: string | undefined, what: string): string {
    if (!v) throw this.error('SECRET_MANAGER_AUTH', name, `${this.cfg.method} login: ${what} is not set`);
    return v;
  }

  #keep(name: string, token: string, ttlSeconds: number, renewable: boolean): Lease {
    const expiresAt = ttlSeconds > 0 ? Date.now() + ttlSeconds * 1000 : Infinity;
    const lease = { token, name, renewable, expiresAt };
    this.#schedule(lease, ttlSeconds);
    return lease;
  }

  #schedule(lease: Lease, ttlSeconds: number): void {
    clearTimeout(this.#timer);
    if (this.#closed || !lease.renewable || ttlSeconds <= 0) return;
    this.#timer = setTimeout(() => void this.#renew(lease), (ttlSeconds * 1000 * 2) / 3);
    this.#timer.unref();
  }

  async #renew(lease: Lease): Promise<void> {
    try {
      const out = await this.call(lease.name, 'POST', 'auth/token/renew-self', lease.token, {});
      const ttl = Number(out?.auth?.lease_duration ?? 0);
      lease.expiresAt = Date.now() + ttl * 1000;
      // At its max TTL a token renews for less each time; stop before it is too short.
      if (ttl >= 2) this.#schedule(lease, ttl);
    } catch {
      // Not renewed: it runs out, then (approle, jwt) the next read logs in again.
      lease.renewable = false;
    }
  }
}

const trim = (s: string) => s.replace(/^\/+|\/+$/g, '');
