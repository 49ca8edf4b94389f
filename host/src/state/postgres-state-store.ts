/**
 * state.backend postgres: a table keyed by tenant, job and stream, for teams that keep
 * state outside the lake. Written in the same order as the file store: after the data
 * commit (a run killed in between is re-applied by recover on the next run, wherever it
 * runs). Reset deletes and writes its audit row in one transaction.
 */
import type pg from 'pg';
import { StateError } from './errors.js';
import type { StateResetAudit } from './audit.js';
import type { FileStateStore, ManagedStateStore, ShownState, StreamState } from './state-store.js';
import type { Logger } from 'pino';

export interface PostgresStateOptions {
  host: string;
  port: number;
  database: string;
  user: string;
  password?: string;
  /** A plain lower-case identifier; its audit table is <table>_audit. */
  table: string;
  ssl: boolean;
}

export class PostgresStateStore implements ManagedStateStore {
  readonly backend = 'postgres';
  readonly description: string;
  readonly migrated = new Map<string, string>();
  #client: Promise<pg.Client> | undefined;
  readonly #t: string;
  readonly #audit: string;

  constructor(readonly opts: PostgresStateOptions, readonly extra: { fallback?: FileStateStore; log?: Logger } = {}) {
    this.description = `postgres state ${opts.user}@${opts.host}:${opts.port}/${opts.database} table ${opts.table}`;
    this.#t = `"${opts.table}"`;
    this.#audit = `"${opts.table}_audit"`;
  }

  #connect(): Promise<pg.Client> {
    this.#client ??= (async () => {
      const { host, port, database, user, password, ssl } = this.opts;
      // Loaded on first use: a run on file or target state never pays pg's module load.
      const { default: { Client } } = await import('pg');
      const client = new Client({ host, port, database, user, password, ssl: ssl ? { rejectUnauthorized: true } : false, connectionTimeoutMillis: 10_000 });
      client.on('error', () => {}); // a dropped connection fails the next query, typed below
      try {
        await client.connect();
        await this.#ddl(client);
      } catch (e) {
        await client.end().catch(() => {});
        this.#client = undefined;
        throw this.#error(e, 'connect');
      }
      return client;
    })();
    return this.#client;
  }

  async #ddl(client: pg.Client): Promise<void> {
    const ddl = `CREATE TABLE IF NOT EXISTS ${this.#t} (tenant text NOT NULL, job text NOT NULL, stream text NOT NULL,
      checkpoint text NOT NULL, run_id text NOT NULL, updated_at timestamptz NOT NULL, PRIMARY KEY (tenant, job, stream));
      CREATE TABLE IF NOT EXISTS ${this.#audit} (id text PRIMARY KEY, at timestamptz NOT NULL, by_user text NOT NULL,
      tenant text NOT NULL, job text NOT NULL, streams text[] NOT NULL, previous jsonb NOT NULL)`;
    try {
      await client.query(ddl);
    } catch (e) {
      // Two first runs at once: CREATE ... IF NOT EXISTS can race on the catalog; the other made it.
      if (!['23505', '42P07'].includes((e as { code?: string }).code ?? '')) throw e;
      await client.query(ddl);
    }
  }

  async #query<R extends pg.QueryResultRow>(what: string, sql: string, values: unknown[]): Promise<pg.QueryResult<R>> {
    const client = await this.#connect();
    try {
      return await client.query<R>(sql, values);
    } catch (e) {
      throw this.#error(e, what);
    }
  }

  #error(e: unknown, what: string): StateError {
    if (e instanceof StateError) return e;
    const err = e as { code?: string; message?: string };
    const details = { backend: 'postgres', host: this.opts.host, port: this.opts.port, database: this.opts.database, operation: what, pgCode: err.code };
    if (err.code === '28P01' || err.code === '28000') {
      return new StateError('STATE_AUTH', `${this.description}: the credentials were refused (${err.code}) during ${what}`, { details });
    }
    const unavailable = ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', '57P01', '57P03'].includes(err.code ?? '') || /timeout|terminat/i.test(err.message ?? '');
    const code = unavailable ? 'STATE_UNAVAILABLE' : 'STATE_IO';
    return new StateError(code, `${this.description}: ${what} failed: ${err.message ?? err.code}`, { details, retryable: unavailable });
  }

  async get(tenant: string, job: string, stream: string): Promise<StreamState | undefined> {
    const r = await this.#query<{ checkpoint: string; run_id: string; updated_at: Date }>(
      'read state', `SELECT checkpoint, run_id, updated_at FROM ${this.#t} WHERE tenant = $1 AND job = $2 AND stream = $3`, [tenant, job, stream]);
    const row = r.rows[0];
    if (row) return { checkpoint: row.checkpoint, runId: row.run_id, updatedAt: row.updated_at.toISOString() };
    const fallback = this.extra.fallback;
    const old = fallback ? await fallback.get(tenant, job, stream) : undefined;
    // Only a job the table has never seen migrates: after a reset its audit row stops it.
    if (old && fallback && !(await this.#wasReset(tenant, job, stream))) {
      this.migrated.set(stream, fallback.description);
      this.extra.log?.warn({ stream, migratedFrom: fallback.description, checkpoint: old.checkpoint },
        `state.backend postgres: no state for stream ${stream} in ${this.description}; took the ${fallback.description}`);
      return old;
    }
    return undefined;
  }

  async #wasReset(tenant: string, job: string, stream: string): Promise<boolean> {
    const r = await this.#query('read state audit', `SELECT 1 FROM ${this.#audit} WHERE tenant = $1 AND job = $2 AND $3 = ANY(streams) LIMIT 1`, [tenant, job, stream]);
    return r.rows.length > 0;
  }

  async put(tenant: string, job: string, stream: string, state: StreamState): Promise<void> {
    await this.#query('write state', `INSERT INTO ${this.#t} (tenant, job, stream, checkpoint, run_id, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
      ON CONFLICT (tenant, job, stream) DO UPDATE SET checkpoint = EXCLUDED.checkpoint, run_id = EXCLUDED.run_id, updated_at = EXCLUDED.updated_at`,
    [tenant, job, stream, state.checkpoint, state.runId, state.updatedAt]);
  }

  async list(tenant: string, job: string): Promise<ShownState[]> {
    const r = await this.#query<{ stream: string; checkpoint: string; run_id: string; updated_at: Date }>(
      'list state', `SELECT stream, checkpoint, run_id, updated_at FROM ${this.#t} WHERE tenant = $1 AND job = $2 ORDER BY stream`, [tenant, job]);
    const shown: ShownState[] = r.rows.map((row) => ({ stream: row.stream, checkpoint: row.checkpoint, runId: row.run_id, updatedAt: row.updated_at.toISOString(), from: this.description }));
    for (const s of (await this.extra.fallback?.list(tenant, job)) ?? []) {
      if (!shown.some((x) => x.stream === s.stream) && !(await this.#wasReset(tenant, job, s.stream))) shown.push({ ...s, from: `${s.from} (not yet migrated)` });
    }
    return shown;
  }

  async reset(tenant: string, job: string, streams: string[], audit: StateResetAudit): Promise<void> {
    const client = await this.#connect();
    try {
      await client.query('BEGIN');
      await client.query(`INSERT INTO ${this.#audit} (id, at, by_user, tenant, job, streams, previous) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [audit.id, audit.at, audit.by, tenant, job, streams, JSON.stringify(audit.previous)]);
      await client.query(`DELETE FROM ${this.#t} WHERE tenant = $1 AND job = $2 AND stream = ANY($3)`, [tenant, job, streams]);
      await client.query('COMMIT');
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {});
      throw this.#error(e, 'reset state');
    }
  }

  async close(): Promise<void> {
    const c = this.#client;
    this.#client = undefined;
    if (c) await (await c.catch(() => undefined))?.end().catch(() => {});
  }
}
