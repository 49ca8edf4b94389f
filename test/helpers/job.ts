import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { readParquet } from 'parquet-wasm/node';
import { stringify } from 'yaml';
import { REPO, tempDir } from './fixtures.js';

export const CSV_READER_MANIFEST = join(REPO, 'plugins-rust', 'csv-reader', 'dist', 'plugin.yaml');
export const ORDERS_CONTRACT = join(REPO, 'examples', 'contracts', 'orders.odcs.yaml');

/** Appends (or writes) deterministic orders with the example generator. */
export function generateOrders(file: string, rows: number, start = 1): void {
  execFileSync(process.execPath, [join(REPO, 'examples', 'generate-orders.mjs'), '--rows', String(rows), '--start', String(start), '--out', file, ...(start > 1 ? ['--append'] : [])], {
    stdio: 'ignore',
  });
}

export interface JobWorkspace {
  dir: string;
  csv: string;
  out: string;
  jobFile: string;
  writeJob(overrides?: Record<string, unknown>): string;
}

/** A folder with orders.csv, the contract, and a job writing Parquet into out/. */
export function jobWorkspace(rows: number, overrides: Record<string, unknown> = {}): JobWorkspace {
  const dir = tempDir('dativo-job-');
  const csv = join(dir, 'data', 'orders.csv');
  mkdirSync(join(dir, 'data'));
  if (rows > 0) generateOrders(csv, rows);
  copyFileSync(ORDERS_CONTRACT, join(dir, 'orders.odcs.yaml'));
  const out = join(dir, 'out');
  const jobFile = join(dir, 'job.yaml');
  const writeJob = (o: Record<string, unknown> = overrides) => {
    const job = {
      tenant_id: 'acme',
      environment: 'test',
      source_connector: 'csv',
      target_connector: 'local',
      asset_path: 'orders.odcs.yaml',
      source: { plugin: CSV_READER_MANIFEST, objects: ['orders'], files: ['data/orders.csv'], incremental: { strategy: 'cursor', cursor_field: 'order_id' } },
      target: { connection: { local: { path: 'out' } }, compression: 'snappy', parquet_target_size_mb: 128 },
      schema_validation_mode: 'strict',
      state: { path: 'state' },
      ...o,
    };
    writeFileSync(jobFile, stringify(job));
    return jobFile;
  };
  writeJob();
  return { dir, csv, out, jobFile, writeJob };
}

/** Every committed Parquet file under a local target (never the staging area). */
export function parquetFiles(root: string): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      if (name === '_dativo') continue;
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.parquet')) found.push(p);
    }
  };
  try {
    walk(root);
  } catch {
    return [];
  }
  return found.sort();
}

/** All rows of all committed Parquet files, as plain objects. */
export function readRows(root: string): Record<string, unknown>[] {
  return parquetFiles(root).flatMap((f) => tableFromIPC(readParquet(readFileSync(f)).intoIPCStream()).toArray().map((r) => r.toJSON() as Record<string, unknown>));
}

/** The CSV as rows of strings keyed by header. */
export function readCsv(file: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(file, 'utf8').trimEnd().split('\n');
  const cols = header!.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i]!, v])));
}
