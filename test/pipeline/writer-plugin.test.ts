/** A writer plugin as the job's target: it receives the same validated batches through the writer interface. */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger, MemoryLogDestination } from '../../host/src/logging/logger.js';
import { runJob } from '../../host/src/pipeline/run-job.js';
import { REPO } from '../helpers/fixtures.js';
import { jobWorkspace, readCsv } from '../helpers/job.js';

describe('writer plugin target', () => {
  it('gets every validated row through open, write and commit, inside its granted folder', async () => {
    // The shipped example writer (plugins-rust/jsonl-writer), built by the test setup.
    const writer = join(REPO, 'plugins-rust', 'jsonl-writer', 'dist', 'plugin.yaml');
    const ws = jobWorkspace(3000);
    ws.writeJob({ target: { plugin: writer, connection: { local: { path: 'out' } }, config: { dir: '/out' } } });
    const summary = await runJob(ws.jobFile, { logger: createLogger({ destination: new MemoryLogDestination() }) });
    expect(summary.records).toBe(3000);
    const files = readdirSync(ws.out).filter((f) => f.endsWith('.jsonl'));
    expect(files).toHaveLength(1);
    const rows = readFileSync(join(ws.out, files[0]!), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const source = readCsv(ws.csv);
    expect(rows.map((r) => Number(r.order_id))).toEqual(source.map((s) => Number(s.order_id)));
    expect(rows[0]!.customer).toBe(source[0]!.customer);
    // The summary shows where the sink's commit put the data, its bytes counted once.
    const bytes = readFileSync(join(ws.out, files[0]!)).byteLength;
    expect(summary.streams[0]!.files).toEqual([{ stream: 'orders', path: join(ws.out, files[0]!), rows: 3000, bytes }]);
    expect(summary.bytesWritten).toBe(bytes);
    // Incremental state moved on only after the writer committed.
    const again = await runJob(ws.jobFile, { logger: createLogger({ destination: new MemoryLogDestination() }) });
    expect(again.records).toBe(0);
  });

  it('a failed run aborts the sink: no file appears, no staging file stays', async () => {
    const writer = join(REPO, 'plugins-rust', 'jsonl-writer', 'dist', 'plugin.yaml');
    const ws = jobWorkspace(500);
    writeFileSync(ws.csv, readFileSync(ws.csv, 'utf8') + 'broken,row\n');
    ws.writeJob({ target: { plugin: writer, connection: { local: { path: 'out' } }, config: { dir: '/out' } } });
    const err = await runJob(ws.jobFile, { logger: createLogger({ destination: new MemoryLogDestination() }) }).then(() => undefined, (e) => e);
    expect(err?.code).toBe('PLUGIN_DATA');
    expect(readdirSync(ws.out)).toEqual([]);
  });
});
