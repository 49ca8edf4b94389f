/** A job folder with N streams (s1..sN), each its own CSV file and contract object, read by csv-reader. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { tempDir } from '../helpers/fixtures.js';
import { CSV_READER_MANIFEST } from '../helpers/job.js';

export interface StreamsWorkspace {
  dir: string;
  out: string;
  job: string;
  streams: string[];
  /** Writes stream `name`'s CSV: `rows` rows id,name; `bad` row numbers get an empty (required) name. */
  writeCsv(name: string, rows: number, bad?: number[]): void;
  writeJob(fields?: Record<string, unknown>): string;
}

export function streamsWorkspace(count: number): StreamsWorkspace {
  const dir = tempDir('dativo-ops-');
  mkdirSync(join(dir, 'data'));
  const streams = Array.from({ length: count }, (_, i) => `s${i + 1}`);
  const contract = {
    apiVersion: 'v3.0.2',
    kind: 'DataContract',
    id: '6a0c2f4e-3b1d-4e8a-9f7c-2d5e8b1a4c6f',
    version: '1.0.0',
    status: 'active',
    schema: streams.map((name) => ({
      name,
      logicalType: 'object',
      properties: [
        { name: 'id', logicalType: 'integer', physicalType: 'bigint', required: true },
        { name: 'name', logicalType: 'string', required: true },
      ],
    })),
  };
  writeFileSync(join(dir, 'contract.odcs.yaml'), stringify(contract));
  const job = join(dir, 'job.yaml');
  return {
    dir,
    out: join(dir, 'out'),
    job,
    streams,
    writeCsv(name, rows, bad = []) {
      const badRows = new Set(bad);
      const lines = ['id,name'];
      for (let i = 1; i <= rows; i++) lines.push(`${i},${badRows.has(i) ? '' : `row-${name}-${i}`}`);
      writeFileSync(join(dir, 'data', `${name}.csv`), `${lines.join('\n')}\n`);
    },
    writeJob(fields = {}) {
      const { source, ...rest } = fields as { source?: Record<string, unknown> };
      writeFileSync(
        job,
        stringify({
          tenant_id: 'acme',
          job_name: 'ops',
          source_connector: 'csv',
          target_connector: 'local',
          asset_path: 'contract.odcs.yaml',
          source: { plugin: CSV_READER_MANIFEST, objects: streams.map((name) => ({ name, files: [`data/${name}.csv`] })), ...source },
          target: { connection: { local: { path: 'out' } } },
          state: { path: 'state' },
          ...rest,
        }),
      );
      return job;
    },
  };
}

/** Each stream's [start, end] in ms, from the run's log lines ("reading from the start", "stream done"). */
export function streamIntervals(records: Record<string, unknown>[]): Map<string, { start: number; end: number }> {
  const out = new Map<string, { start: number; end: number }>();
  for (const r of records) {
    if (typeof r.stream !== 'string' || r.plugin !== undefined) continue;
    const t = Date.parse(String(r.time));
    const entry = out.get(r.stream) ?? { start: NaN, end: NaN };
    if (r.msg === 'reading from the start') entry.start = t;
    if (r.msg === 'stream done') entry.end = t;
    out.set(r.stream, entry);
  }
  return out;
}

/** The largest number of streams running at one moment. */
export function peakOverlap(intervals: Iterable<{ start: number; end: number }>): number {
  const events = [...intervals].flatMap((i) => [
    [i.start, 1],
    [i.end, -1],
  ]);
  events.sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!); // an end before a start at the same ms
  let now = 0;
  let peak = 0;
  for (const [, d] of events) peak = Math.max(peak, (now += d!));
  return peak;
}
