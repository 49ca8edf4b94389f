/**
 * A throwaway PostgreSQL server for tests: Debian's binaries (installed by
 * .ci/install-postgres.sh), initdb into a temporary data directory, its own loopback port,
 * run as `nobody` when the tests run as root (postgres refuses root). pg_hba: the
 * superuser `postgres` by trust (seeding only), `md5_user` by md5, everyone else by
 * scram-sha-256; log_connections on, so a test can see whether anything connected.
 */
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const BIN_DIRS = ['/usr/lib/postgresql/15/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/17/bin'];
const NOBODY = 65534;

export interface PgServer {
  port: number;
  /** Runs SQL as the superuser on database `postgres`. */
  query<R extends pg.QueryResultRow = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
  /** The server log so far (connections are logged). */
  log(): string;
  stop(): Promise<void>;
}

/** The folder of initdb and pg_ctl, or an error naming the script that installs them. */
export function postgresBinDir(): string {
  const dir = BIN_DIRS.find((d) => existsSync(join(d, 'initdb')) && existsSync(join(d, 'pg_ctl')));
  if (!dir) throw new Error(`PostgreSQL server binaries not found in ${BIN_DIRS.join(', ')}: run .ci/install-postgres.sh`);
  return dir;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export async function startPostgres(): Promise<PgServer> {
  const bin = postgresBinDir();
  const root = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'dativo-pg-'));
  const data = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  if (root) chownSync(dir, NOBODY, NOBODY);
  const run = (cmd: string, args: string[]) => {
    const [file, argv] = root ? ['runuser', ['-u', 'nobody', '--', join(bin, cmd), ...args]] : [join(bin, cmd), args];
    const r = spawnSync(file, argv, { encoding: 'utf8', cwd: dir, timeout: 60_000 });
    if (r.status !== 0) throw new Error(`${cmd} failed (${r.status}): ${r.stderr || r.stdout}`);
  };
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  writeFileSync(
    join(data, 'pg_hba.conf'),
    ['local all all trust', 'host all postgres 127.0.0.1/32 trust', 'host all md5_user 127.0.0.1/32 md5', 'host all all 127.0.0.1/32 scram-sha-256', ''].join('\n'),
  );
  const port = await freePort();
  // wal_level=logical: the CDC tests replicate with pgoutput.
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c log_connections=on -c fsync=off -c wal_level=logical`;
  run('pg_ctl', ['-D', data, '-l', logFile, '-w', '-t', '60', '-o', opts, 'start']);
  const pool = new pg.Pool({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres', max: 2 });
  return {
    port,
    async query(sql, params) {
      return (await pool.query(sql, params)).rows;
    },
    log: () => readFileSync(logFile, 'utf8'),
    async stop() {
      await pool.end();
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

export interface CuttingProxy {
  port: number;
  /** Connections accepted, and how many were cut. */
  connections: number;
  cuts: number;
  close(): Promise<void>;
}

/**
 * A loopback TCP proxy to `target`: the first connection that has carried more than
 * `cutAfter` bytes from the server is destroyed (both sides) right there, as a server or
 * network dropping it mid-stream would; every other connection is passed through.
 */
export async function startCuttingProxy(target: number, cutAfter: number): Promise<CuttingProxy> {
  const { connect } = await import('node:net');
  const state = { connections: 0, cuts: 0 };
  const server = createServer((client) => {
    state.connections++;
    const upstream = connect(target, '127.0.0.1');
    let down = 0;
    client.on('data', (b) => upstream.write(b));
    upstream.on('data', (b) => {
      down += b.length;
      if (state.cuts === 0 && down > cutAfter) {
        state.cuts++;
        client.write(b.subarray(0, b.length - (down - cutAfter)));
        client.destroy();
        upstream.destroy();
        return;
      }
      client.write(b);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as { port: number }).port,
    get connections() {
      return state.connections;
    },
    get cuts() {
      return state.cuts;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
