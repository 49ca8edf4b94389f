/**
 * Micro-bench of the Parquet encoder alone, on the wide case's batches: the parquet-wasm
 * npm package (opt-level "s", no SIMD; its streaming writer, as the host used it) against
 * the host's encoder module (host/native/parquet-encoder: the arrow-rs parquet crate at
 * opt-level 3 + SIMD), same writer properties, one thread, runs alternating.
 *   npx tsx bench/wide/encode-bench.ts [--runs 3] [--batch-rows 16384]
 * Or two builds of the module against each other (`--modules A.wasm,B.wasm`), each run in
 * its own process (the module is compiled and tiered up once per process, as in a job),
 * CPU including the background compiler's, with the output's SHA-256.
 * The batches: one dativo-host run of the wide job (its committed Parquet read back, in
 * batches of the csv-reader's size, each an IPC stream under the contract's schema).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Type, tableFromIPC, tableToIPC, Table } from 'apache-arrow';
import * as pq from 'parquet-wasm/node';
import { useEncoderModule, WasmParquetFile } from '../../host/src/writers/parquet/wasm-encoder.js';
import { tuneWasmTiering } from '../../host/src/runtime/v8-tiering.js';
import type { ParquetFileOptions } from '../../host/src/writers/parquet/writer-properties.js';
import { median, printTable } from '../report.js';
import { runDativo } from '../tools.js';
import { wideCase } from '../wide-csv.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    'batch-rows': { type: 'string', default: '16384' },
    modules: { type: 'string' },
    'child-module': { type: 'string' },
  },
});
const dataDir = join(import.meta.dirname, '..', '..', 'test', '.build', 'bench-data');
const c = { ...wideCase(dataDir), work: join(dataDir, 'work-encode-bench') };

function batches(): { streams: Uint8Array[]; rows: number; options: ParquetFileOptions } {
  runDativo(c);
  const out = join(c.work, 'dativo', 'out', 'trips');
  const run = readdirSync(out)[0]!;
  const tables = readdirSync(join(out, run)).filter((f) => f.endsWith('.parquet')).sort().map((f) => tableFromIPC(pq.readParquet(readFileSync(join(out, run, f))).intoIPCStream()));
  const all = tables.reduce((a, b) => a.concat(b));
  const n = Number(values['batch-rows']);
  const streams: Uint8Array[] = [];
  for (let i = 0; i < all.numRows; i += n) streams.push(tableToIPC(new Table(all.slice(i, i + n).batches.flatMap((b) => b)), 'stream'));
  const integers = new Set([Type.Int, Type.Timestamp, Type.Date, Type.Time, Type.Duration]);
  const integerColumns = all.schema.fields.filter((f) => integers.has(f.typeId)).map((f) => f.name);
  return { streams, rows: all.numRows, options: { compression: 'snappy', keyValueMetadata: { contract: 'wide' }, rowGroupRows: 131_072, integerColumns } };
}

/** The host's writer properties before, on parquet-wasm's builder. */
function parquetWasmProperties(o: ParquetFileOptions): pq.WriterProperties {
  let b = new pq.WriterPropertiesBuilder()
    .setCompression(pq.Compression.SNAPPY)
    .setMaxRowGroupSize(o.rowGroupRows)
    .setDictionaryPageSizeLimit(64 * 1024)
    .setCreatedBy('dativo-host')
    .setKeyValueMetadata(new Map(Object.entries(o.keyValueMetadata)));
  for (const col of o.integerColumns) b = b.setColumnEncoding(col, pq.Encoding.DELTA_BINARY_PACKED).setColumnDictionaryEnabled(col, false);
  return b.build();
}

/** The host's encoder before: parquet-wasm's streaming writer fed one IPC stream at a time. */
async function parquetWasm(streams: Uint8Array[], o: ParquetFileOptions): Promise<number> {
  let next = 0;
  const input = new ReadableStream<pq.RecordBatch>(
    {
      pull: (controller) => {
        const ipc = streams[next++];
        if (!ipc) return controller.close();
        const table = pq.Table.fromIPCStream(ipc);
        for (const batch of table.recordBatches()) controller.enqueue(batch);
        table.free();
      },
    },
    { highWaterMark: 0 },
  );
  let bytes = 0;
  const output = await pq.transformParquetStream(input, parquetWasmProperties(o));
  for await (const chunk of output as unknown as AsyncIterable<Uint8Array>) bytes += chunk.byteLength;
  return bytes;
}

async function module(streams: Uint8Array[], o: ParquetFileOptions): Promise<number> {
  const file = new WasmParquetFile(o);
  let bytes = 0;
  for (const ipc of streams) bytes += file.append(ipc)?.byteLength ?? 0;
  return bytes + (file.close()?.byteLength ?? 0);
}

/** The streams and options in one file, for the child processes: [u32 length][bytes]..., options first. */
const framed = (parts: Uint8Array[]): Buffer => Buffer.concat(parts.flatMap((p) => [Buffer.from(new Uint32Array([p.byteLength]).buffer), p]));
function unframe(buf: Buffer): Uint8Array[] {
  const parts: Uint8Array[] = [];
  for (let at = 0; at < buf.byteLength; ) {
    const n = buf.readUInt32LE(at);
    parts.push(buf.subarray(at + 4, at + 4 + n).slice());
    at += 4 + n;
  }
  return parts;
}

if (values['child-module']) {
  // One run of one module build, as the CLI sets V8 up; the parent reads the JSON line.
  tuneWasmTiering();
  useEncoderModule(new WebAssembly.Module(readFileSync(values['child-module'])));
  const [head, ...streams] = unframe(readFileSync(join(c.work, 'streams.bin')));
  const [cpu0, wall0] = [process.cpuUsage(), performance.now()];
  const file = new WasmParquetFile(JSON.parse(Buffer.from(head!).toString()) as ParquetFileOptions);
  const hash = createHash('sha256');
  let bytes = 0;
  for (const chunk of [...streams.map((ipc) => file.append(ipc)), file.close()]) {
    if (chunk) (bytes += chunk.byteLength), hash.update(chunk);
  }
  const cpu = process.cpuUsage(cpu0);
  console.log(JSON.stringify({ cpu: (cpu.user + cpu.system) / 1e6, wall: (performance.now() - wall0) / 1000, mb: bytes / 2 ** 20, sha256: hash.digest('hex').slice(0, 16) }));
  process.exit(0);
}

const { streams, rows, options } = batches();
if (values.modules) {
  writeFileSync(join(c.work, 'streams.bin'), framed([Buffer.from(JSON.stringify(options)), ...streams]));
  const wasms = values.modules.split(',');
  const got = new Map<string, { cpu: number; wall: number; mb: number; sha256: string }[]>();
  for (let i = 0; i < Number(values.runs); i++) {
    for (const wasm of wasms) {
      const r = spawnSync(process.execPath, [...process.execArgv, import.meta.filename, '--child-module', wasm], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`${wasm}: ${r.stderr.slice(-2000)}`);
      got.set(wasm, [...(got.get(wasm) ?? []), JSON.parse(r.stdout.trim().split('\n').pop()!)]);
    }
  }
  const table = [...got].map(([wasm, r]) => ({ module: wasm, cpu_s: median(r.map((x) => x.cpu)), wall_s: median(r.map((x) => x.wall)), parquet_mb: r[0]!.mb, sha256: r[0]!.sha256 }));
  printTable({
    name: `encode-bench: wide case, ${rows} rows in ${streams.length} IPC streams, one thread, each run in its own process`,
    note: `median of ${values.runs} alternating runs; every CPU s: ${[...got].map(([w, r]) => `${w} ${r.map((x) => x.cpu.toFixed(2)).join(' ')}`).join(' / ')}`,
    rows: [...table, { module: 'B / A', cpu_s: table[1]!.cpu_s / table[0]!.cpu_s, wall_s: table[1]!.wall_s / table[0]!.wall_s, parquet_mb: table[1]!.parquet_mb / table[0]!.parquet_mb, sha256: '' }],
  });
  process.exit(0);
}
const encoders = { 'parquet-wasm 0.8.0 npm (before)': parquetWasm, 'parquet-encoder module (after)': module };
const got = new Map<string, { cpu: number; wall: number; mb: number }[]>();
for (let i = 0; i < Number(values.runs); i++) {
  for (const [name, encode] of Object.entries(encoders)) {
    const [cpu0, wall0] = [process.cpuUsage(), performance.now()];
    const bytes = await encode(streams, options);
    const cpu = process.cpuUsage(cpu0);
    got.set(name, [...(got.get(name) ?? []), { cpu: (cpu.user + cpu.system) / 1e6, wall: (performance.now() - wall0) / 1000, mb: bytes / 2 ** 20 }]);
  }
}
const table = [...got].map(([name, r]) => ({ encoder: name, cpu_s: median(r.map((x) => x.cpu)), wall_s: median(r.map((x) => x.wall)), parquet_mb: r[0]!.mb }));
const [a, b] = table;
printTable({
  name: `encode-bench: wide case, ${rows} rows in ${streams.length} IPC streams, one thread`,
  note: `median of ${values.runs} alternating runs; every CPU s: ${[...got].map(([n, r]) => `${n.split(' ')[0]} ${r.map((x) => x.cpu.toFixed(2)).join(' ')}`).join(' / ')}`,
  rows: [...table, { encoder: 'after / before', cpu_s: b!.cpu_s / a!.cpu_s, wall_s: b!.wall_s / a!.wall_s, parquet_mb: b!.parquet_mb / a!.parquet_mb }],
});
