/** Commit manifests as read back from a target: parsed, and every path in them checked. */
import { z } from 'zod';
import { TargetError } from './errors.js';
import { checkRelPath, RUN_ID, runFolder, SCOPE_NAME, STREAM_ID } from './keys.js';
import type { CommitRecord } from './target.js';

const RETIRED = new RegExp(`^${STREAM_ID.source.slice(1, -1)}/run_id=${RUN_ID.source.slice(1, -1)}$`);

const recordSchema = z.object({
  runId: z.string().regex(RUN_ID),
  tenant: z.string().regex(SCOPE_NAME),
  job: z.string().regex(SCOPE_NAME),
  startedAt: z.string().max(64),
  committedAt: z.string().max(64).optional(),
  files: z.array(z.object({ stream: z.string().regex(STREAM_ID), path: z.string().max(4096), rows: z.number().int().nonnegative(), bytes: z.number().int().nonnegative() }).strict()),
  checkpoints: z.record(z.string().regex(STREAM_ID), z.string()),
  replaced: z.array(z.string().regex(STREAM_ID)).optional(),
  retired: z.array(z.string().regex(RETIRED)).optional(),
  seq: z.number().int().positive().optional(),
  stateReset: z.array(z.string().regex(STREAM_ID)).optional(),
});

/** Parses a manifest named `<runId>.json`; refuses one whose paths leave the layout. */
export function parseCommitRecord(text: string, where: string, expectedRunId: string): CommitRecord {
  const corrupt = (why: string): never => {
    throw new TargetError('TARGET_CORRUPT', `${where}: ${why}; the host did not write this manifest (remove it if it is not a run of yours)`, { details: { manifest: where } });
  };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    corrupt(`not JSON (${(e as Error).message})`);
  }
  const parsed = recordSchema.safeParse(json);
  if (!parsed.success) corrupt(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const record = parsed.data as CommitRecord;
  if (record.runId !== expectedRunId) corrupt(`runId ${record.runId} differs from its file name`);
  for (const f of record.files) {
    const folder = `${runFolder(f.stream, record.runId)}/`;
    if (!f.path.startsWith(folder)) corrupt(`file ${f.path} is not under ${folder}`);
    try {
      checkRelPath(f.path.slice(folder.length));
    } catch (e) {
      corrupt((e as Error).message);
    }
  }
  return record;
}
