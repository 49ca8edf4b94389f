/** A job folder with a two-object contract (flights, airports) and CSV files written by the test. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { tempDir } from '../helpers/fixtures.js';
import { CSV_READER_MANIFEST } from '../helpers/job.js';

export const CONTRACT = {
  apiVersion: 'v3.0.2',
  kind: 'DataContract',
  id: 'b0f7d2a4-0c1e-4f7a-9d3b-5e6f7a8b9c0d',
  version: '1.0.0',
  status: 'active',
  schema: [
    {
      name: 'flights',
      logicalType: 'object',
      properties: [
        { name: 'flight_id', logicalType: 'integer', physicalType: 'bigint', required: true, primaryKey: true },
        { name: 'carrier', logicalType: 'string', required: true },
        { name: 'delay', logicalType: 'number', physicalType: 'double' },
      ],
    },
    {
      name: 'airports',
      logicalType: 'object',
      properties: [
        { name: 'code', logicalType: 'string', required: true, primaryKey: true },
        { name: 'city', logicalType: 'string' },
      ],
    },
  ],
};

export interface Workspace {
  dir: string;
  out: string;
  job: string;
  write(rel: string, text: string): string;
  writeJob(job: Record<string, unknown>): string;
}

export function workspace(): Workspace {
  const dir = tempDir('dativo-correct-');
  mkdirSync(join(dir, 'data'));
  writeFileSync(join(dir, 'contract.odcs.yaml'), stringify(CONTRACT));
  const job = join(dir, 'job.yaml');
  return {
    dir,
    out: join(dir, 'out'),
    job,
    write(rel, text) {
      const f = join(dir, rel);
      mkdirSync(join(f, '..'), { recursive: true });
      writeFileSync(f, text);
      return f;
    },
    writeJob(o) {
      const { source, target, ...rest } = o as { source?: Record<string, unknown>; target?: Record<string, unknown> };
      writeFileSync(
        job,
        stringify({
          tenant_id: 'acme',
          job_name: 'correctness',
          source_connector: 'csv',
          target_connector: 'local',
          asset_path: 'contract.odcs.yaml',
          source: { plugin: CSV_READER_MANIFEST, ...source },
          target: { connection: { local: { path: 'out' } }, ...target },
          state: { path: 'state' },
          ...rest,
        }),
      );
      return job;
    },
  };
}

/** flights rows as CSV text (header first). */
export const flightsCsv = (header: string, rows: [number, string, number | ''][]) => `${header}\n${rows.map((r) => r.join(',')).join('\n')}\n`;
