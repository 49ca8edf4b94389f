/**
 * A job run into a temporary local target: the job file as written (source, contract,
 * validation, plugins), with its target and state moved into a folder of the test's own,
 * planned and run by the host's own planJob and runJob, then the committed rows read back
 * from the Parquet files.
 */
import { join } from 'node:path';
import { loadJob } from '../config/job.js';
import { createLogger, MemoryLogDestination } from '../logging/logger.js';
import { planJob } from '../pipeline/plan.js';
import { runJob, type RunSummary } from '../pipeline/run-job.js';
import { StaticSecretManager } from '../secrets/secret-manager.js';
import { committedRows, parquetRows, type Row } from './rows.js';
import { removeTemp, tempFolder } from './temp.js';

export interface TestJobOptions {
  /** The folder of target/ and state/ (default: a new temp folder). Reuse one to resume. */
  dir?: string;
  /** ${VAR} substitution and granted env values (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** Secrets by name, instead of the job's secret manager. */
  secrets?: Record<string, string>;
  /** The connector registry (default: the package's). */
  registry?: string;
  logLevel?: string;
  cacheDir?: string;
}

export interface TestJobRun {
  summary: RunSummary;
  dir: string;
  /** The local target the run committed to (a job's S3 or local target is replaced). */
  targetDir: string;
  stateDir: string;
  logs: MemoryLogDestination;
  /** This run's committed rows of `stream` (default: the only stream), from its Parquet files. */
  rows(stream?: string): Row[];
  /** Every committed row of `stream` in the target: all runs so far. */
  allRows(stream?: string): Row[];
  /** Runs the job again on the same target and state: an incremental job resumes. */
  rerun(): Promise<TestJobRun>;
  /** Removes dir. */
  cleanup(): void;
}

/** Runs `jobFile` into a temporary target; throws the run's typed HostError if it fails. */
export async function runTestJob(jobFile: string, opts: TestJobOptions = {}): Promise<TestJobRun> {
  const dir = opts.dir ?? tempFolder('dativo-job-');
  const targetDir = join(dir, 'target');
  const stateDir = join(dir, 'state');
  const job = loadJob(jobFile, opts.env);
  // A writer plugin gets the local path as its /out; the built-in writer commits there.
  job.target.connection = { local: { path: targetDir } };
  job.paths.localTarget = targetDir;
  job.paths.stateDir = stateDir;
  // planJob checks the new folders too: neither may overlap a plugin's grant.
  const plan = planJob(job, { env: opts.env, registry: opts.registry });
  const logs = new MemoryLogDestination();
  const summary = await runJob(plan, {
    env: opts.env,
    registry: opts.registry,
    cacheDir: opts.cacheDir,
    secrets: opts.secrets ? new StaticSecretManager(opts.secrets) : undefined,
    logger: createLogger({ destination: logs, level: opts.logLevel ?? 'info' }),
  });
  const only = (stream: string | undefined): string => {
    if (stream !== undefined) return stream;
    if (summary.streams.length !== 1) throw new Error(`the job has ${summary.streams.length} streams: name one`);
    return summary.streams[0]!.stream;
  };
  return {
    summary,
    dir,
    targetDir,
    stateDir,
    logs,
    rows: (stream) => {
      const name = only(stream);
      const files = summary.streams.find((s) => s.stream === name)?.files ?? [];
      return files.filter((f) => f.stream === name).flatMap((f) => parquetRows(join(targetDir, f.path)));
    },
    allRows: (stream) => committedRows(targetDir, only(stream)),
    rerun: () => runTestJob(jobFile, { ...opts, dir }),
    cleanup: () => removeTemp(dir),
  };
}
