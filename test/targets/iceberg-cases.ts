/**
 * Shared set-up of the Iceberg target suites: an orders job whose target is a warehouse
 * folder committed through the test REST catalog (test/helpers/iceberg-rest.ts), the
 * CLI killed at a crash point, and the source CSV as the rows pyiceberg must return.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO } from '../helpers/fixtures.js';
import type { IcebergRest } from '../helpers/iceberg-rest.js';
import { jobWorkspace, ORDERS_CONTRACT, readCsv, type JobWorkspace } from '../helpers/job.js';

export interface IcebergJob extends JobWorkspace {
  /** The warehouse folder (the catalog's and the job's target). */
  warehouse: string;
  write(extra?: Record<string, unknown>): string;
}

/** An orders job into `namespace.table` of the catalog, its warehouse the catalog's own folder. */
export function icebergJob(cat: IcebergRest, rows: number, opts: { namespace?: string; table?: string; target?: Record<string, unknown> } = {}): IcebergJob {
  const ws = jobWorkspace(rows);
  const warehouse = fileURLToPath(cat.warehouse);
  const write = (extra: Record<string, unknown> = {}) =>
    ws.writeJob({
      target_connector: 'iceberg',
      source: { objects: ['orders'], files: ['data/orders.csv'], config: { batch_rows: 2000 }, incremental: { strategy: 'cursor', cursor_field: 'order_id' } },
      target: {
        connection: { local: { path: warehouse } },
        parquet_target_size_mb: 0.05,
        catalog: { uri: cat.uri, namespace: opts.namespace ?? 'sales', ...(opts.table ? { tables: { orders: opts.table } } : {}) },
        ...opts.target,
      },
      ...extra,
    });
  write();
  return { ...ws, warehouse, write };
}

/** The CSV's orders as pyiceberg returns them (JSON-safe: ints, floats, booleans, ISO timestamps). */
export function expectedOrders(csv: string): Record<string, unknown>[] {
  return readCsv(csv).map((r) => ({
    order_id: Number(r.order_id),
    customer: r.customer,
    product: r.product === '' ? null : r.product,
    quantity: r.quantity === '' ? null : Number(r.quantity),
    price: r.price === '' ? null : Number(r.price),
    ordered_at: r.ordered_at === '' ? null : pythonIso(new Date(r.ordered_at!)),
    express: r.express === '' ? null : r.express === 'true',
    region: r.region === '' ? null : r.region,
  }));
}

/** Python's datetime.isoformat() of a UTC time: microseconds only when not zero. */
const pythonIso = (d: Date) => d.toISOString().replace(/\.(\d{3})Z$/, (_, ms: string) => (ms === '000' ? '+00:00' : `.${ms}000+00:00`));

export const byOrderId = (rows: Record<string, unknown>[]) => [...rows].sort((a, b) => Number(a.order_id) - Number(b.order_id));

export interface CliResult {
  status: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

/** `dativo-host run JOB --json`, optionally killed (SIGKILL) at a crash point. */
export function runCli(jobFile: string, crashPoint?: string, extraEnv: Record<string, string> = {}): Promise<CliResult> {
  return cli(['run', jobFile, '--json'], { ...(crashPoint ? { DATIVO_CRASH_POINT: crashPoint } : {}), ...extraEnv });
}

/** `dativo-host ARGS` in the checkout. */
export function cli(args: string[], extraEnv: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const env = { ...process.env, DATIVO_LOG_LEVEL: 'warn', ...extraEnv };
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'test/helpers/cli.ts'), ...args], { cwd: REPO, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
}

/** The example contract with one more property appended (after region, the last one). */
export function contractWith(extraProperty: string): string {
  return `${readFileSync(ORDERS_CONTRACT, 'utf8').trimEnd()}\n${extraProperty}\n`;
}

/** Adds a column to the CSV: `value(order_id)` for each row ('' is empty). */
export function addCsvColumn(csv: string, name: string, value: (orderId: number) => string): void {
  const [header, ...lines] = readFileSync(csv, 'utf8').trimEnd().split('\n');
  writeFileSync(csv, `${header},${name}\n${lines.map((l) => `${l},${value(Number(l.slice(0, l.indexOf(','))))}`).join('\n')}\n`);
}
