/**
 * The plan file a run writes per stream when it opens it (its table, the schema and
 * spec its files were written with), read back by the commit or by recover. It lives in
 * the target folder, so it is parsed like every file read back from there.
 */
import { z } from 'zod';
import { IcebergTargetError } from './errors.js';
import type { StreamTablePlan } from './snapshot-commit.js';

const NAME = /^[A-Za-z0-9_-]{1,255}$/;
const planSchema = z.object({
  stream: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/),
  table: z.object({ namespace: z.array(z.string().regex(NAME)).min(1).max(16), name: z.string().regex(NAME) }).strict(),
  schema: z.object({
    type: z.literal('struct'),
    'schema-id': z.number().int().nonnegative(),
    fields: z.array(z.object({ id: z.number().int().positive(), name: z.string().max(255), type: z.string().max(64), required: z.boolean(), doc: z.string().optional() }).strict()).max(10_000),
  }).strict(),
  spec: z.object({
    'spec-id': z.number().int().nonnegative(),
    fields: z.array(z.object({ 'source-id': z.number().int().positive(), 'field-id': z.number().int().positive(), name: z.string().max(255), transform: z.enum(['identity', 'day']) }).strict()).max(64),
  }).strict(),
  location: z.string().max(4096),
  contract: z.object({ id: z.string().max(256), version: z.string().max(64) }).strict(),
}).strict();

export function parseTablePlan(text: string, where: string, stream: string): StreamTablePlan {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    json = e;
  }
  const parsed = planSchema.safeParse(json);
  if (!parsed.success || parsed.data.stream !== stream) {
    const why = parsed.success ? `it names stream ${parsed.data.stream}` : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new IcebergTargetError('ICEBERG_METADATA_INVALID', `${where}: not a table plan this host wrote for stream ${stream} (${why})`, { details: { file: where } });
  }
  return parsed.data as StreamTablePlan;
}
