/**
 * Plugin batches and committed Parquet files as rows: plain JS objects, for assertions.
 * Arrow values become plain values: int64 within Number.MAX_SAFE_INTEGER a number (a
 * bigint beyond), structs objects, lists arrays, timestamps milliseconds since the epoch.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC, type Table } from 'apache-arrow';
import { readParquet } from 'parquet-wasm/node';
import type { Batch } from '../runtime/plugin-types.js';

export type Row = Record<string, unknown>;

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** One Arrow value as a plain JS value. */
export function plainValue(v: unknown): unknown {
  if (typeof v === 'bigint') return v <= SAFE && v >= -SAFE ? Number(v) : v;
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof Date || v instanceof Uint8Array) return v;
  if (Array.isArray(v)) return v.map(plainValue);
  // A struct row's toJSON is an object, a list's (a Vector) an array.
  const value = v as { toJSON?: () => unknown };
  if (typeof value.toJSON === 'function') return plainValue(value.toJSON());
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plainValue(x)]));
}

export function tableRows(table: Table): Row[] {
  return table.toArray().map((r) => plainValue((r as { toJSON(): Row }).toJSON()) as Row);
}

/** The rows of a plugin batch: Arrow IPC stream, or JSON Lines (parsed line by line). */
export function batchRows(batch: Batch): Row[] {
  if (batch.encoding === 'json-lines') {
    return new TextDecoder()
      .decode(batch.bytes)
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Row);
  }
  return batch.bytes.byteLength === 0 ? [] : tableRows(tableFromIPC(batch.bytes));
}

/** A JSON Lines batch of `rows` (what a writer's sink is given, or a fake reader output). */
export function jsonLinesBatch(rows: Row[], checkpoint?: string): Batch {
  const text = rows.map((r) => `${JSON.stringify(r)}\n`).join('');
  return { encoding: 'json-lines', bytes: new TextEncoder().encode(text), checkpoint };
}

/** The rows of one Parquet file. */
export function parquetRows(file: string): Row[] {
  return tableRows(tableFromIPC(readParquet(readFileSync(file)).intoIPCStream()));
}

/**
 * Every Parquet file a reader of a local target sees for `stream`: the files under its
 * committed run folders (`<stream>/run_id=<run>/...`), never staging or retired data.
 */
export function committedParquetFiles(targetDir: string, stream: string): string[] {
  const root = join(targetDir, stream);
  let runs: string[];
  try {
    runs = readdirSync(root).filter((n) => n.startsWith('run_id='));
  } catch {
    return [];
  }
  const found: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.parquet')) found.push(p);
    }
  };
  for (const r of runs.sort()) walk(join(root, r));
  return found.sort();
}

/** Every committed row of `stream` in a local target (all runs), read back from Parquet. */
export function committedRows(targetDir: string, stream: string): Row[] {
  return committedParquetFiles(targetDir, stream).flatMap(parquetRows);
}
