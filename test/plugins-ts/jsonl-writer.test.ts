/**
 * plugins-ts/jsonl-writer (TypeScript, world file-writer-plugin) as a job's target: the
 * committed files read back equal the source rows; a failed run aborts and leaves nothing;
 * a folder outside the grant (`..`, a symlink) is refused by the sandbox.
 */
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { buildPlugin } from '../../host/src/build/build-plugin.js';
import { inspectComponent } from '../../host/src/capabilities/review/inspect-component.js';
import { createLogger, MemoryLogDestination } from '../../host/src/logging/logger.js';
import { loadPlugin } from '../../host/src/runtime/load-plugin.js';
import { runJob } from '../../host/src/pipeline/run-job.js';
import { REPO, tempDir } from '../helpers/fixtures.js';
import { jobWorkspace, readCsv } from '../helpers/job.js';

let writer: string;
let component: string;
beforeAll(async () => {
  const built = await buildPlugin(join(REPO, 'plugins-ts', 'jsonl-writer'), { log: (l) => process.stderr.write(`[jsonl-writer-ts] ${l}\n`) });
  writer = built.manifest;
  component = built.component;
}, 900_000);

const quiet = () => ({ logger: createLogger({ destination: new MemoryLogDestination() }) });
const run = (jobFile: string, logs = new MemoryLogDestination()) =>
  runJob(jobFile, { logger: createLogger({ destination: logs }) }).then(
    (summary) => ({ summary, error: undefined }),
    (error: { code?: string; message?: string }) => ({ summary: undefined, error }),
  );
const targetWith = (config: Record<string, unknown>) => ({ target: { plugin: writer, connection: { local: { path: 'out' } }, config } });

describe('jsonl-writer-ts: a TypeScript file writer in a job', () => {
  // It builds at all only against file-writer-plugin (the SDK's files module imports wasi:filesystem).
  it('exports the writer, imports wasi:filesystem and no wasi:http', async () => {
    const { imports, exports } = await inspectComponent(readFileSync(component));
    expect(exports).toEqual(['dativo:plugin/writer@0.1.0']);
    expect(imports).toEqual(expect.arrayContaining(['wasi:filesystem/types@0.2.12', 'wasi:filesystem/preopens@0.2.12']));
    expect(imports.filter((i) => i.startsWith('wasi:http/'))).toEqual([]);
  });

  it('writes the rows into its granted folder, commits one file per stream, then the state', async () => {
    const ws = jobWorkspace(2500);
    ws.writeJob(targetWith({ dir: '/out' }));
    const summary = await runJob(ws.jobFile, quiet());
    expect(summary.records).toBe(2500);
    const files = readdirSync(ws.out);
    expect(files).toEqual(['orders-0.jsonl']); // no staging file left
    const text = readFileSync(join(ws.out, files[0]!), 'utf8');
    const rows = text.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const source = readCsv(ws.csv);
    expect(rows).toHaveLength(source.length);
    rows.forEach((r, i) => {
      const s = source[i]!;
      expect(r).toMatchObject({
        order_id: Number(s.order_id),
        customer: s.customer,
        product: s.product,
        quantity: Number(s.quantity),
        price: Number(s.price),
        express: s.express === 'true',
        region: s.region,
      });
      expect(new Date(r.ordered_at as number | string).toISOString()).toBe(s.ordered_at);
    });
    const bytes = Buffer.byteLength(text);
    expect(summary.streams[0]!.files).toEqual([{ stream: 'orders', path: join(ws.out, 'orders-0.jsonl'), rows: 2500, bytes }]);
    // The checkpoint was saved after the writer's commit: a rerun reads nothing new.
    expect((await runJob(ws.jobFile, quiet())).records).toBe(0);
    expect(readdirSync(ws.out)).toEqual(['orders-0.jsonl']);
  });

  it('a failed run aborts the sink: nothing committed, no staging file, no state', async () => {
    const ws = jobWorkspace(400);
    writeFileSync(ws.csv, readFileSync(ws.csv, 'utf8') + 'broken,row\n');
    ws.writeJob(targetWith({ dir: '/out' }));
    const { error } = await run(ws.jobFile);
    expect(error?.code).toBe('PLUGIN_DATA');
    expect(readdirSync(ws.out)).toEqual([]);
    // Fixed input: the next run starts from the beginning (no checkpoint was saved).
    writeFileSync(ws.csv, readFileSync(ws.csv, 'utf8').replace('broken,row\n', ''));
    expect((await runJob(ws.jobFile, quiet())).records).toBe(400);
    expect(readdirSync(ws.out)).toEqual(['orders-0.jsonl']);
  });

  it.each([
    ['a .. path', (_dir: string) => '/out/../outside'],
    ['a symlink in the granted folder', (dir: string) => (symlinkSync(join(dir, 'outside'), join(dir, 'out', 'link')), '/out/link')],
  ])('a folder outside the grant through %s is refused by the sandbox (CAPABILITY_DENIED)', async (_what, plant) => {
    const ws = jobWorkspace(50);
    mkdirSync(join(ws.dir, 'outside'));
    mkdirSync(ws.out);
    const dir = plant(ws.dir);
    ws.writeJob(targetWith({ dir }));
    const logs = new MemoryLogDestination();
    const { error } = await run(ws.jobFile, logs);
    expect(error?.code).toBe('CAPABILITY_DENIED');
    expect(readdirSync(join(ws.dir, 'outside'))).toEqual([]);
    expect(readdirSync(ws.out).filter((f) => f !== 'link')).toEqual([]);
    const denial = logs.records.find((r) => r.event === 'capability.denied');
    expect(denial).toMatchObject({ audit: true, capability: 'filesystem', plugin: 'jsonl-writer-ts' });
  });

  it('a buffer reused after write (transferred, so detached) is refused at once, and the sink goes on', async () => {
    const out = tempDir('dativo-ts-writer-reuse-');
    const plugin = await loadPlugin({ manifest: writer, bindings: { '/out': out }, env: {}, logger: createLogger({ destination: new MemoryLogDestination() }) });
    const client = await plugin.openWriter();
    try {
      const sink = await client.openSink({ dir: '/out' }, { name: 'reuse', jsonSchema: {}, primaryKey: [], cursorFields: [], supportsIncremental: false });
      const bytes = new TextEncoder().encode('{"n":1}\n');
      await sink.write({ encoding: 'json-lines', bytes });
      const started = Date.now();
      for (let i = 0; i < 2; i++) {
        await expect(sink.write({ encoding: 'json-lines', bytes })).rejects.toMatchObject({ code: 'BATCH_INVALID' });
      }
      expect(Date.now() - started).toBeLessThan(10_000); // not the 60 s call timeout
      await sink.write({ encoding: 'json-lines', bytes: new TextEncoder().encode('{"n":2}\n') });
      await sink.commit();
    } finally {
      await client.close();
    }
    const files = readdirSync(out);
    expect(files).toHaveLength(1);
    expect(readFileSync(join(out, files[0]!), 'utf8')).toBe('{"n":1}\n{"n":2}\n');
  }, 120_000);

  it('a sink lets go of its file on commit and abort: 1,100 sinks in one instance (handle budget 1,024)', async () => {
    const out = tempDir('dativo-ts-writer-handles-');
    const plugin = await loadPlugin({ manifest: writer, bindings: { '/out': out }, env: {}, logger: createLogger({ destination: new MemoryLogDestination() }) });
    const client = await plugin.openWriter();
    try {
      for (let i = 0; i < 1100; i++) {
        const sink = await client.openSink({ dir: '/out' }, { name: `s${i}`, jsonSchema: {}, primaryKey: [], cursorFields: [], supportsIncremental: false });
        // A new buffer each time: write transfers it to the worker.
        await sink.write({ encoding: 'json-lines', bytes: new TextEncoder().encode(`{"n":${i}}\n`) });
        if (i % 2 === 0) await sink.commit();
        else await sink.abort();
      }
    } finally {
      await client.close();
    }
    expect(readdirSync(out)).toHaveLength(550);
  }, 300_000);
});
