/**
 * The REST catalog, through iceberg-js (config, namespaces, load/create/commit table),
 * with every failure as a typed IcebergTargetError. OAuth client credentials are a
 * plain fetch of the spec's /v1/oauth/tokens: iceberg-js takes a token or headers, but
 * does not fetch one.
 */
import { IcebergError, IcebergRestCatalog, type TableMetadata, type TableRequirement, type TableUpdate } from 'iceberg-js';
import { IcebergTargetError } from './errors.js';

export interface CatalogAuth {
  /** A bearer token. */
  token?: string;
  /** OAuth2 client credentials `client_id:client_secret` (Iceberg's `credential`). */
  credential?: string;
  /** Default: `<uri>/v1/oauth/tokens`. */
  oauthUri?: string;
  scope?: string;
}

export interface CatalogSettings {
  uri: string;
  warehouse?: string;
  namespace: string[];
  auth: CatalogAuth;
}

export interface TableRef {
  namespace: string[];
  name: string;
}

export const tableName = (t: TableRef) => [...t.namespace, t.name].join('.');

/** A catalog failure as a typed error; `what` names the call. */
export function catalogError(e: unknown, uri: string, what: string): IcebergTargetError {
  if (e instanceof IcebergTargetError) return e;
  const err = e as IcebergError;
  const status = err instanceof IcebergError ? err.status : 0;
  const details = { catalog: uri, operation: what, status, icebergType: err.icebergType };
  const message = `Iceberg catalog ${uri}: ${what} failed (${status || 'no answer'}): ${String(err.message ?? e).slice(0, 500)}`;
  if (status === 401 || status === 403 || status === 419) return new IcebergTargetError('ICEBERG_CATALOG_AUTH', message, { details });
  if (status === 0 || status >= 500 || status === 429) return new IcebergTargetError('ICEBERG_CATALOG_UNAVAILABLE', message, { details, retryable: true });
  return new IcebergTargetError('ICEBERG_CATALOG_REFUSED', message, { details });
}

/**
 * fetch for iceberg-js, exact for 63-bit snapshot ids (other engines draw them from 63
 * bits; JSON.parse would round them): in answers an id beyond 2^53 becomes a string of
 * its digits, and in requests such a string is written back as the JSON number it was.
 */
const ID_KEYS = '"(?:snapshot-id|parent-snapshot-id|current-snapshot-id)"';
const BIG_ID_IN = new RegExp(`(${ID_KEYS}\\s*:\\s*)(-?\\d{16,})(?=\\s*[,}\\]])`, 'g');
const BIG_ID_OUT = new RegExp(`(${ID_KEYS}:)"(-?\\d{16,})"`, 'g');
export const exactIds = (text: string, direction: 'in' | 'out'): string =>
  direction === 'in'
    ? text.replace(BIG_ID_IN, (m, key: string, digits: string) => (Number.isSafeInteger(Number(digits)) ? m : `${key}"${digits}"`))
    : text.replace(BIG_ID_OUT, '$1$2');

const exactFetch: typeof fetch = async (input, init) => {
  const body = typeof init?.body === 'string' ? exactIds(init.body, 'out') : init?.body;
  const res = await fetch(input, { ...init, body });
  if (!(res.headers.get('content-type') ?? '').includes('json')) return res;
  return new Response(exactIds(await res.text(), 'in'), { status: res.status, statusText: res.statusText, headers: res.headers });
};

export class Catalog {
  readonly #rest: IcebergRestCatalog;
  private constructor(readonly settings: CatalogSettings, rest: IcebergRestCatalog) {
    this.#rest = rest;
  }

  /** Reads /v1/config (its prefix, if any) and, with client credentials, fetches a token first. */
  static async connect(settings: CatalogSettings): Promise<Catalog> {
    const baseUrl = settings.uri.endsWith('/') ? settings.uri : `${settings.uri}/`;
    const token = settings.auth.token ?? (settings.auth.credential ? await oauthToken(settings, baseUrl) : undefined);
    const auth = token ? { type: 'bearer' as const, token } : { type: 'none' as const };
    // Without a server prefix iceberg-js would use the warehouse as one: give it only when the server names one.
    const probe = new IcebergRestCatalog({ baseUrl, auth, warehouse: settings.warehouse, fetch: exactFetch });
    const config = await probe.loadConfig().catch((e) => {
      throw catalogError(e, settings.uri, 'GET /v1/config');
    });
    const prefix = config.overrides?.prefix ?? config.defaults?.prefix;
    return new Catalog(settings, prefix ? probe : new IcebergRestCatalog({ baseUrl, auth, fetch: exactFetch }));
  }

  /** The table and its metadata location, or undefined when it does not exist. */
  async load(table: TableRef): Promise<TableMetadata | undefined> {
    try {
      return (await this.#rest.loadTable(table)) as TableMetadata;
    } catch (e) {
      if (e instanceof IcebergError && e.status === 404) return undefined;
      throw catalogError(e, this.settings.uri, `load table ${tableName(table)}`);
    }
  }

  async ensureNamespace(): Promise<void> {
    try {
      await this.#rest.createNamespaceIfNotExists({ namespace: this.settings.namespace });
    } catch (e) {
      if (e instanceof IcebergError && e.status === 409) return; // created meanwhile
      throw catalogError(e, this.settings.uri, `create namespace ${this.settings.namespace.join('.')}`);
    }
  }

  /** Creates the table; undefined when another writer created it first (409). */
  async create(table: TableRef, request: Parameters<IcebergRestCatalog['createTable']>[1]): Promise<TableMetadata | undefined> {
    try {
      return await this.#rest.createTable({ namespace: table.namespace }, request);
    } catch (e) {
      if (e instanceof IcebergError && e.status === 409) return undefined;
      throw catalogError(e, this.settings.uri, `create table ${tableName(table)}`);
    }
  }

  /** Commits; 'conflict' when a requirement failed (409: the table changed), 'unknown' when the outcome is unknown. */
  async commit(table: TableRef, requirements: TableRequirement[], updates: TableUpdate[]): Promise<TableMetadata | 'conflict' | 'unknown'> {
    try {
      return (await this.#rest.commitTable(table, { identifier: table, requirements, updates })).metadata;
    } catch (e) {
      if (e instanceof IcebergError && e.status === 409) return 'conflict';
      // The spec's CommitStateUnknown (500, 502, 504): the commit may have landed.
      if (e instanceof IcebergError && (e.isCommitStateUnknown || [500, 502, 504].includes(e.status) || e.status === 0)) return 'unknown';
      throw catalogError(e, this.settings.uri, `commit to ${tableName(table)}`);
    }
  }
}

async function oauthToken(settings: CatalogSettings, baseUrl: string): Promise<string> {
  const url = settings.auth.oauthUri ?? new URL('v1/oauth/tokens', baseUrl).toString();
  const colon = settings.auth.credential!.indexOf(':');
  const [id, secret] = colon < 0 ? ['', settings.auth.credential!] : [settings.auth.credential!.slice(0, colon), settings.auth.credential!.slice(colon + 1)];
  const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: id, client_secret: secret, scope: settings.auth.scope ?? 'catalog' });
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  } catch (e) {
    throw new IcebergTargetError('ICEBERG_CATALOG_UNAVAILABLE', `Iceberg catalog ${settings.uri}: token request to ${url} failed: ${(e as Error).message}`, { retryable: true, details: { oauthUri: url } });
  }
  const json = (await res.json().catch(() => ({}))) as { access_token?: unknown };
  if (!res.ok || typeof json.access_token !== 'string') {
    // Never the credential or the response body (it may echo it) in the message.
    throw new IcebergTargetError('ICEBERG_CATALOG_AUTH', `Iceberg catalog ${settings.uri}: ${url} gave no token for the client credentials (${res.status})`, { details: { oauthUri: url, status: res.status } });
  }
  return json.access_token;
}
