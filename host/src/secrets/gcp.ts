import { SecretManagerError, type SecretErrorCode } from '../errors/secret-errors.js';
import { crc32c } from './crc32c.js';
import type { SecretManager } from './secret-manager.js';
import { secretRef, selectField } from './secret-ref.js';

export interface GcpSecretsConfig {
  /** The project of secrets named by id (default: the credentials' project). */
  project?: string;
  /** The version of secrets named without one (default `latest`). */
  version?: string;
  /** Secret ids of unmapped names: `<prefix><name>`. */
  prefix?: string;
  /**
   * name → `<secret id>[#<json key>]`, or a resource name `projects/P/secrets/S` (then the
   * default version) or `projects/P/secrets/S/versions/V`, with the same optional `#key`.
   */
  keys?: Record<string, string>;
  /**
   * Another endpoint than Google's: `https://host[:port]` (a private endpoint; credentials
   * as usual) or `http://host:port` (plaintext, no credentials sent: a local test server).
   */
  endpoint?: string;
}

// gRPC status codes (google.rpc.Code).
const NOT_FOUND = 5;
const PERMISSION_DENIED = 7;
const UNAUTHENTICATED = 16;
const UNREACHABLE = new Set([4 /* DEADLINE_EXCEEDED */, 14 /* UNAVAILABLE */]);

type Client = import('@google-cloud/secret-manager').SecretManagerServiceClient;
type Long = { toString(): string };
type Payload = { data?: Uint8Array | string | null; dataCrc32c?: number | string | Long | null };

/**
 * GCP Secret Manager (AccessSecretVersion over gRPC). Credentials come from Application
 * Default Credentials (GOOGLE_APPLICATION_CREDENTIALS, gcloud's, the metadata server of
 * the VM or pod); the job holds none. The client library is loaded on first use.
 */
export class GcpSecretManager implements SecretManager {
  readonly kind = 'gcp';
  #client: Promise<Client> | undefined;
  #project: Promise<string> | undefined;
  constructor(readonly cfg: GcpSecretsConfig) {}

  async get(name: string): Promise<string | undefined> {
    const ref = secretRef(name, this.cfg.keys, this.cfg.prefix);
    const client = await this.#connect(name);
    const resource = await this.#resource(name, ref.path, client);
    let payload: Payload | null | undefined;
    try {
      const [out] = await client.accessSecretVersion({ name: resource }, { timeout: 15_000, maxRetries: 2 });
      payload = out.payload;
    } catch (e) {
      if ((e as { code?: number }).code === NOT_FOUND) return undefined;
      throw gcpError(e, name, resource);
    }
    if (payload?.data === null || payload?.data === undefined) return undefined;
    const bytes = typeof payload.data === 'string' ? Buffer.from(payload.data, 'base64') : payload.data;
    const sum = payload.dataCrc32c;
    if (sum !== null && sum !== undefined && Number(sum.toString()) !== crc32c(bytes)) {
      const why = `${resource}: the payload does not match its data_crc32c (damaged on the way)`;
      throw this.#error('SECRET_INVALID', name, why);
    }
    const text = Buffer.from(bytes).toString('utf8');
    if (ref.field === undefined) return text;
    return selectField(text, ref.field, (why) => {
      throw new SecretManagerError('SECRET_INVALID', 'gcp', name, `${resource} ${why}`);
    });
  }

  /** Closes the gRPC channel. */
  close(): void {
    void this.#client?.then((c) => c.close()).catch(() => {});
    this.#client = undefined;
  }

  /** `projects/P/secrets/S/versions/V` for a reference. */
  async #resource(name: string, path: string, client: Client): Promise<string> {
    const version = this.cfg.version ?? 'latest';
    if (/^projects\/[^/]+\/secrets\/[^/]+\/versions\/[^/]+$/.test(path)) return path;
    if (/^projects\/[^/]+\/secrets\/[^/]+$/.test(path)) return `${path}/versions/${version}`;
    if (!/^[A-Za-z0-9_-]{1,255}$/.test(path)) {
      const why = `"${path}" is neither a secret id nor projects/P/secrets/S[/versions/V]`;
      throw this.#error('SECRET_INVALID', name, why);
    }
    return `projects/${await this.#projectId(name, client)}/secrets/${path}/versions/${version}`;
  }

  #projectId(name: string, client: Client): Promise<string> {
    if (this.cfg.project) return Promise.resolve(this.cfg.project);
    this.#project ??= client.getProjectId();
    this.#project.catch(() => (this.#project = undefined));
    return this.#project.catch((e: unknown) => {
      const why = `no project: set secrets.gcp.project (the credentials name none: ${(e as Error).message})`;
      throw this.#error('SECRET_MANAGER_AUTH', name, why);
    });
  }

  #connect(name: string): Promise<Client> {
    this.#client ??= this.#newClient(name);
    this.#client.catch(() => (this.#client = undefined));
    return this.#client;
  }

  async #newClient(name: string): Promise<Client> {
    // Loaded on first use: most jobs never start the gRPC stack.
    const { SecretManagerServiceClient } = await import('@google-cloud/secret-manager');
    if (!this.cfg.endpoint) return new SecretManagerServiceClient();
    let url: URL;
    try {
      url = new URL(this.cfg.endpoint);
    } catch {
      const why = `secrets.gcp.endpoint "${this.cfg.endpoint}" is not a URL`;
      throw this.#error('SECRET_MANAGER_FAILED', name, why);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      const why = `secrets.gcp.endpoint must be http:// or https://, not ${url.protocol}`;
      throw this.#error('SECRET_MANAGER_FAILED', name, why);
    }
    const tls = url.protocol === 'https:';
    const { credentials } = await import('@grpc/grpc-js');
    return new SecretManagerServiceClient({
      apiEndpoint: url.hostname,
      port: Number(url.port || (tls ? 443 : 80)),
      // Plaintext: no credentials go over it (gax sends none when given channel credentials),
      // and a universe domain given here keeps gax from looking for credentials at all.
      ...(tls ? {} : { sslCreds: credentials.createInsecure(), universeDomain: 'googleapis.com' }),
    });
  }

  #error(code: SecretErrorCode, name: string, why: string) {
    return new SecretManagerError(code, 'gcp', name, why);
  }
}

function gcpError(e: unknown, name: string, resource: string): SecretManagerError {
  const err = e as { code?: number; details?: string };
  const code = err.code;
  // The status details name the resource and the reason, never a payload.
  const why = `${resource}: ${err.details || 'error'} (gRPC ${code ?? 'no status'})`;
  if (code === undefined || UNREACHABLE.has(code)) {
    const down = `the service cannot be reached: ${why}`;
    return new SecretManagerError('SECRET_MANAGER_UNREACHABLE', 'gcp', name, down, { retryable: true, cause: e });
  }
  const auth = code === PERMISSION_DENIED || code === UNAUTHENTICATED;
  return new SecretManagerError(auth ? 'SECRET_MANAGER_AUTH' : 'SECRET_MANAGER_FAILED', 'gcp', name, why, {
    retryable: code === 8 /* RESOURCE_EXHAUSTED */ || code === 13 /* INTERNAL */,
    cause: e,
  });
}
