/**
 * A throwaway Iceberg REST catalog on a loopback port: the Iceberg project's own
 * RESTCatalogAdapter + RESTCatalogServlet over a JDBC catalog in sqlite
 * (test/fixtures/java/iceberg-rest, built into a jar by .ci/install-iceberg-rest.sh), with a
 * warehouse in a temporary folder or on S3 (MinIO, s3rver). readIcebergTable reads a table
 * back through the catalog with pyiceberg (.ci/install-pyiceberg.sh), the oracle.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { REPO, tempDir } from './fixtures.js';

const SOURCE = join(REPO, 'test', 'fixtures', 'java', 'iceberg-rest');
const cacheDir = () => process.env.DATIVO_CACHE_DIR ?? join(homedir(), '.cache', 'dativo-host');

export interface IcebergS3 {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region?: string;
}

export interface IcebergRest {
  /** The catalog's base URI (clients add /v1/...). */
  uri: string;
  /** The catalog's warehouse: file:///... for a local folder, or the s3:// location. */
  warehouse: string;
  s3?: IcebergS3;
  /** The server's output so far (Iceberg logs every commit failure there). */
  log(): string;
  stop(): Promise<void>;
}

export type SnapshotId = number | string;

export interface IcebergTableRead {
  rows: Record<string, unknown>[];
  /** Ids are 64-bit: a number when it is a safe integer (ids this host makes), else a string. */
  snapshots: { snapshotId: SnapshotId; parentId: SnapshotId | null; summary: Record<string, string> }[];
  schema: { id: number; name: string; type: string; required: boolean }[];
}

/** The key .ci/install-iceberg-rest.sh files the jar under: the pom and sources, hashed. */
function sourceKey(): string {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      if (e.isDirectory()) {
        if (path !== join(SOURCE, 'target')) walk(path);
      } else files.push(`./${relative(SOURCE, path)}`);
    }
  };
  walk(SOURCE);
  // Same bytes as `find . -type f | LC_ALL=C sort | xargs sha256sum | sha256sum`.
  const listing = files
    .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
    .map((f) => `${createHash('sha256').update(readFileSync(join(SOURCE, f))).digest('hex')}  ${f}\n`)
    .join('');
  return createHash('sha256').update(listing).digest('hex').slice(0, 16);
}

/** The built jar, or an error naming the script that builds it. */
export function icebergRestJar(): string {
  const jar = join(cacheDir(), 'tools', `iceberg-rest-${sourceKey()}`, 'iceberg-rest.jar');
  if (!existsSync(jar)) throw new Error(`${jar} is missing: run .ci/install-iceberg-rest.sh (it builds the test Iceberg REST catalog from test/fixtures/java/iceberg-rest)`);
  return jar;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export async function startIcebergRest(opts: { warehouse?: string; s3?: IcebergS3 } = {}): Promise<IcebergRest> {
  const jar = icebergRestJar();
  const dir = tempDir('dativo-iceberg-rest-');
  const warehouse = opts.warehouse ?? pathToFileURL(join(dir, 'warehouse')).href;
  if (opts.s3 && !warehouse.startsWith('s3://')) throw new Error(`an S3 warehouse is an s3:// location, not ${warehouse}`);
  const props = [`warehouse=${warehouse}`, `uri=jdbc:sqlite:${join(dir, 'catalog.db')}`];
  if (opts.s3) {
    props.push(
      'io-impl=org.apache.iceberg.aws.s3.S3FileIO',
      `s3.endpoint=${opts.s3.endpoint}`,
      's3.path-style-access=true',
      `s3.access-key-id=${opts.s3.accessKeyId}`,
      `s3.secret-access-key=${opts.s3.secretAccessKey}`,
      `client.region=${opts.s3.region ?? 'us-east-1'}`,
    );
  }
  // stdin stays open: the server exits when it closes, so it dies with this process.
  const child = spawn('java', ['-Xmx512m', '-XX:TieredStopAtLevel=1', '-jar', jar, ...props], {
    stdio: ['pipe', 'pipe', 'pipe'],
    cwd: dir,
    // Nothing but the given endpoint: never the cloud metadata address for credentials.
    env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true' },
  });
  running.add(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => running.delete(child));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const port = await listeningPort(child, () => out);
    const uri = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 30_000;
    while (!(await fetch(`${uri}/v1/config`).then((r) => r.ok, () => false))) {
      if (Date.now() > deadline) throw new Error(`the Iceberg REST catalog on ${uri} does not answer /v1/config: ${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return { uri, warehouse, ...(opts.s3 ? { s3: opts.s3 } : {}), log: () => out, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Waits for the server's "listening on PORT" line (it binds port 0: no race for a port). */
async function listeningPort(child: ChildProcess, out: () => string): Promise<number> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const m = /iceberg-rest listening on (\d+)/.exec(out());
    if (m) return Number(m[1]);
    if (child.exitCode !== null) throw new Error(`the Iceberg REST catalog exited (${child.exitCode}): ${out()}`);
    if (Date.now() > deadline) throw new Error(`the Iceberg REST catalog did not start in 90 s: ${out()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * One catalog for the tests of the file (or describe block) that calls this: started before
 * them, stopped after. The object is filled in when it has started.
 */
export function icebergRestForTests(opts: { warehouse?: string; s3?: IcebergS3 } = {}): IcebergRest {
  const cat = {} as IcebergRest;
  beforeAll(async () => void Object.assign(cat, await startIcebergRest(opts)), 120_000);
  afterAll(async () => {
    await cat.stop?.();
  });
  return cat;
}

/** pyiceberg's python, or an error naming the script that installs it. */
export function pyicebergPython(): string {
  const python = join(cacheDir(), 'venvs', 'pyiceberg', 'bin', 'python');
  if (!existsSync(python)) throw new Error(`${python} is missing: run .ci/install-pyiceberg.sh`);
  return python;
}

const toId = (id: string): SnapshotId => (Number.isSafeInteger(Number(id)) ? Number(id) : id);

/** The catalog properties pyiceberg needs beside the URI (the S3 settings of the warehouse). */
function pyicebergProperties(cat: IcebergRest): Record<string, string> {
  const properties: Record<string, string> = { warehouse: cat.warehouse };
  if (cat.s3) {
    Object.assign(properties, {
      's3.endpoint': cat.s3.endpoint,
      's3.access-key-id': cat.s3.accessKeyId,
      's3.secret-access-key': cat.s3.secretAccessKey,
      's3.region': cat.s3.region ?? 'us-east-1',
    });
  }
  return properties;
}

/** Runs one of the helper scripts with a JSON request on stdin; its JSON answer. */
async function pyiceberg(script: string, what: string, request: Record<string, unknown>): Promise<unknown> {
  const child = spawn(pyicebergPython(), [join(REPO, 'test', 'helpers', script)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  child.stdin.end(JSON.stringify(request));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0) throw new Error(`pyiceberg could not ${what} (exit ${code}): ${stderr.trim().split('\n').slice(-5).join('\n')}`);
  return JSON.parse(stdout);
}

/** Reads `table` ('ns.name') with pyiceberg: every row of the current (or the given) snapshot. */
export async function readIcebergTable(cat: IcebergRest, table: string, opts: { snapshotId?: SnapshotId } = {}): Promise<IcebergTableRead> {
  const snapshot = opts.snapshotId !== undefined ? { snapshotId: String(opts.snapshotId) } : {};
  const read = (await pyiceberg('iceberg-read.py', `read ${table}`, { uri: cat.uri, table, properties: pyicebergProperties(cat), ...snapshot })) as {
    rows: Record<string, unknown>[];
    snapshots: { snapshotId: string; parentId: string | null; summary: Record<string, string> }[];
    schema: IcebergTableRead['schema'];
  };
  return {
    rows: read.rows,
    snapshots: read.snapshots.map((s) => ({
      snapshotId: toId(s.snapshotId),
      parentId: s.parentId === null ? null : toId(s.parentId),
      summary: s.summary,
    })),
    schema: read.schema,
  };
}

/**
 * Appends `rows` to `table` with pyiceberg (one snapshot; values as readIcebergTable gives
 * them): a second, independent writer for the tests. Resolves to the new snapshot's id.
 */
export async function appendWithPyiceberg(cat: IcebergRest, table: string, rows: Record<string, unknown>[]): Promise<SnapshotId> {
  const out = (await pyiceberg('iceberg-append.py', `append to ${table}`, { uri: cat.uri, table, properties: pyicebergProperties(cat), rows })) as { snapshotId: string };
  return toId(out.snapshotId);
}
