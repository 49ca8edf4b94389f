/** A job that reads a scaffolded reader's `greetings` stream (`count` rows) into DIR/out. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';

const CONTRACT = {
  apiVersion: 'v3.0.2',
  kind: 'DataContract',
  id: 'greetings-contract',
  version: '1.0.0',
  status: 'active',
  schema: [
    {
      name: 'greetings',
      logicalType: 'object',
      properties: [
        { name: 'id', logicalType: 'integer', physicalType: 'bigint', required: true, primaryKey: true },
        { name: 'greeting', logicalType: 'string' },
      ],
    },
  ],
};

/** Writes DIR/greetings.odcs.yaml and DIR/job.yaml (incremental: a cursor on id); returns the job's path. */
export function writeGreetingsJob(dir: string, plugin: string, count: number, opts: { incremental?: boolean } = {}): string {
  writeFileSync(join(dir, 'greetings.odcs.yaml'), stringify(CONTRACT));
  const source: Record<string, unknown> = { plugin, objects: ['greetings'], config: { count } };
  if (opts.incremental) source.incremental = { strategy: 'cursor', cursor_field: 'id' };
  const job = {
    tenant_id: 'acme',
    environment: 'test',
    job_name: 'greetings',
    source_connector: 'rest_api',
    target_connector: 'local',
    asset_path: 'greetings.odcs.yaml',
    source,
    target: { connection: { local: { path: join(dir, 'out') } } },
    state: { path: join(dir, 'state') },
  };
  const file = join(dir, 'job.yaml');
  writeFileSync(file, stringify(job));
  return file;
}
