/**
 * A job's streams: each contract object it names, with its own files (never another
 * stream's), the reader config and bindings for those files only, and its write
 * disposition, checked against the incremental settings and the target.
 */
import { existsSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { contractObjectFor, type ContractObject, type DataContract } from '../contracts/index.js';
import type { Job, WriteDisposition } from '../config/job.js';
import type { Recipe } from '../config/recipe.js';
import { STREAM_NAME } from '../targets/keys.js';

/** One stream of a run: its contract object, its own inputs, and what commit does with it. */
export interface StreamPlan {
  name: string;
  object: ContractObject;
  disposition: WriteDisposition;
  /** Host paths (the last component may hold * wildcards) of the stream's input files. */
  files: string[];
  /** Host folders bound to the reader's guest mounts for this stream (its files' folder only). */
  bindings: Record<string, string>;
  /** The plugin config of this stream (recipe defaults, job config, its files as guest paths, incremental). */
  config: Record<string, unknown>;
  /** The job key its files came from (source.files or source.objects[i].files), for error messages. */
  filesKey: string;
}

type Fail = (key: string, message: string, code?: string) => never;

export function planStreams(job: Job, contract: DataContract, recipe: Recipe | undefined, fail: Fail): StreamPlan[] {
  const entries = (job.source.objects ?? contract.objects.map((o) => o.name)).map((o) => (typeof o === 'string' ? { name: o } : o));
  const names = entries.map((e) => e.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) fail('source.objects', `stream "${twice}" is listed twice`);

  // Files belong to one stream each: a shared list would let every stream read every file.
  const shared = job.paths.sourceFiles;
  if (shared.length > 0 && entries.length > 1) {
    fail('source.files', `${entries.length} streams (${names.join(', ')}) would all read the same files: give each stream its own list (source.objects: [{name: ${names[0]}, files: [...]}, ...])`);
  }
  if (shared.length > 0 && entries.some((e) => 'files' in e && e.files)) fail('source.files', 'set the files either here or in source.objects[].files, not both');

  const inc = job.source.incremental;
  const mount = recipe?.files_mount ?? '/data';
  return entries.map((entry, i) => {
    const key = `source.objects[${i}]`;
    if (!STREAM_NAME.test(entry.name)) fail(key, `"${entry.name}" cannot name a stream folder (letters, digits, ".", "_", "-"; not starting with "." or "_")`);
    const object = contractObjectFor(contract, entry.name);
    const files = job.paths.streamFiles[entry.name] ?? shared;
    const filesKey = job.paths.streamFiles[entry.name] ? `${key}.files` : 'source.files';
    const config: Record<string, unknown> = { ...(recipe?.default_config ?? {}), ...job.source.config };
    const bindings: Record<string, string> = {};
    if (files.length > 0) {
      const dirs = [...new Set(files.map((f) => dirname(f)))];
      if (dirs.length > 1) fail(filesKey, `all files of stream "${entry.name}" must be in one folder (found: ${dirs.join(', ')})`);
      for (const f of files) if (!f.includes('*') && !existsSync(f)) fail(filesKey, `file ${f} does not exist`, 'SOURCE_FILE_NOT_FOUND');
      bindings[mount] = dirs[0]!;
      config.files = files.map((f) => `${mount}/${basename(f)}`);
    }
    if (inc && inc.strategy !== 'full_refresh') config.incremental = inc;
    const disposition = ('write_disposition' in entry ? entry.write_disposition : undefined) ?? job.target.write_disposition ?? (inc?.strategy === 'full_refresh' ? 'replace' : 'append');
    const dispositionKey = 'write_disposition' in entry && entry.write_disposition ? `${key}.write_disposition` : 'target.write_disposition';
    if (inc?.strategy === 'full_refresh' && disposition === 'append') {
      fail(dispositionKey, `full_refresh reloads every row on each run: with append, stream "${entry.name}" would hold them again and again (use replace)`);
    }
    if (disposition === 'replace' && config.incremental !== undefined) {
      fail(dispositionKey, `replace with an incremental read would leave stream "${entry.name}" holding only the rows after the last checkpoint: use append, or strategy full_refresh`);
    }
    if (disposition === 'merge') {
      fail(dispositionKey, `merge (upsert on the primary key${object.primaryKey.length ? ` ${object.primaryKey.join(', ')}` : ''}) needs a table-format target (Iceberg), which this version does not have; the local and S3 targets take append or replace`, 'DISPOSITION_NOT_SUPPORTED');
    }
    if (disposition === 'replace' && job.paths.targetPlugin) {
      fail(dispositionKey, 'replace is done by the built-in target; a writer plugin decides itself what happens to earlier data', 'DISPOSITION_NOT_SUPPORTED');
    }
    return { name: entry.name, object, disposition, files, bindings, config, filesKey };
  });
}
