/**
 * The plugin -> host boundary: the 2 M-row orders CSV read by the Rust csv-reader through
 * the library API (the job's plan: same plugin, bindings, config and contract schema as the
 * CLI), counting the Arrow IPC bytes that arrive in the host, with no validation and no
 * writing. What is timed is the reader path: CSV parse + Arrow IPC encode inside the
 * sandbox, copy out of wasm memory, transfer from the worker to the main thread.
 * Beside it, the transfer alone: the Rust probe fixture's `big-batch` (one 32 MB JSON
 * Lines batch, no parsing) read the same way, to tell the boundary's cost from the parse.
 */
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createLogger, loadPlugin, planJob } from '../dist/index.js';
import { buildRustFixtures } from '../test/fixtures/rust/build.js';
import { writeManifest } from '../test/helpers/fixtures.js';
import { CSV_PARQUET_ROWS, ordersCsv } from './csv-parquet.js';
import { median, type BenchResult } from './report.js';

const REPO = join(import.meta.dirname, '..');

export async function boundary(opts: { runs?: number; buildDir: string }): Promise<BenchResult> {
  const dataDir = join(opts.buildDir, 'bench-data');
  const runs = opts.runs ?? 3;
  const n = CSV_PARQUET_ROWS;
  const csv = ordersCsv(dataDir, n);
  const csvMb = statSync(csv).size / 2 ** 20;
  const work = join(dataDir, 'work-boundary');
  mkdirSync(work, { recursive: true });
  const jobFile = join(work, 'job.yaml');
  writeFileSync(
    jobFile,
    [
      'tenant_id: bench',
      'source_connector: csv',
      'target_connector: local',
      `asset_path: ${join(REPO, 'examples/contracts/orders.odcs.yaml')}`,
      `source: { files: [${csv}], objects: [orders] }`,
      'target: { connection: { local: { path: out } } }',
    ].join('\n'),
  );
  const plan = planJob(jobFile);
  const object = plan.streams[0]!.object;
  const plugin = await loadPlugin({ manifest: plan.source.plugin, bindings: plan.source.bindings, logger: createLogger({ level: 'warn' }) });

  const results: { instantiateMs: number; firstBatchMs: number; readS: number; bytes: number; batches: number }[] = [];
  for (let i = 0; i < runs; i++) {
    let t = performance.now();
    const reader = await plugin.openReader();
    const instantiateMs = performance.now() - t;
    let bytes = 0;
    let batches = 0;
    let firstBatchMs = 0;
    t = performance.now();
    try {
      for await (const batch of reader.read({ config: plan.source.config, stream: 'orders', schema: { ...object.jsonSchema, required: [] } })) {
        if (batches === 0) firstBatchMs = performance.now() - t;
        if (batch.encoding !== 'arrow-ipc-stream') throw new Error(`expected Arrow IPC, got ${batch.encoding}`);
        bytes += batch.bytes.byteLength;
        batches++;
      }
    } finally {
      await reader.close();
    }
    results.push({ instantiateMs, firstBatchMs, readS: (performance.now() - t) / 1000, bytes, batches });
  }
  // The transfer alone: one big batch, produced without parsing.
  const BIG = 32 * 2 ** 20;
  const rust = await buildRustFixtures(join(opts.buildDir, 'rust'));
  const probe = await loadPlugin({ manifest: writeManifest(rust['probe-reader']!, { name: 'bench-boundary' }), logger: createLogger({ level: 'warn' }) });
  const big: { s: number; bytes: number }[] = [];
  for (let i = 0; i < Math.max(runs, 5); i++) {
    const reader = await probe.openReader();
    try {
      let bytes = 0;
      const t = performance.now();
      for await (const b of reader.read({ config: { action: 'big-batch', bytes: BIG }, stream: 'probe' })) bytes += b.bytes.byteLength;
      big.push({ s: (performance.now() - t) / 1000, bytes });
    } finally {
      await reader.close();
    }
  }
  const bigS = median(big.map((b) => b.s));
  const bigMb = big[0]!.bytes / 2 ** 20;

  const readS = median(results.map((r) => r.readS));
  const arrowMb = results[0]!.bytes / 2 ** 20;
  return {
    name: 'boundary',
    note:
      `Rust csv-reader -> host, ${n.toLocaleString('en')} rows (${csvMb.toFixed(0)} MB CSV), Arrow IPC batches of ${String(plan.source.config.batch_rows ?? '?')} rows; ` +
      `median of ${runs}; read = open to last batch (parse + IPC encode + copy out of wasm + worker transfer), no validation, no writing.`,
    rows: [
      {
        case: 'csv-reader',
        instantiate_ms: median(results.map((r) => r.instantiateMs)),
        first_batch_ms: median(results.map((r) => r.firstBatchMs)),
        read_s: readS,
        batches: results[0]!.batches,
        batch_mb: arrowMb,
        batch_mb_per_s: arrowMb / readS,
        csv_mb_per_s: csvMb / readS,
        rows_per_s: n / readS,
      },
      { case: `probe big-batch (${bigMb.toFixed(0)} MB, no parse)`, read_s: bigS, batches: 1, batch_mb: bigMb, batch_mb_per_s: bigMb / bigS },
      { case: 'csv-reader bytes at the big-batch rate', read_s: arrowMb / (bigMb / bigS), share_of_csv_read: arrowMb / (bigMb / bigS) / readS },
    ],
  };
}
