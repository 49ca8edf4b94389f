/**
 * Where a run's files go. A run stages every file first; commit makes all of a
 * stream's files visible at once and records the run (files, row counts, the new
 * checkpoints, the run folders it retires) in a commit manifest. A crash before the
 * commit point leaves nothing visible; a crash after it is rolled forward by `recover`
 * on the next run. commit-protocol.ts implements it once, over a TargetStore.
 */
export interface CommittedFile {
  stream: string;
  /** Path relative to the target root, as readers see it after commit. */
  path: string;
  rows: number;
  bytes: number;
}

export interface CommitRecord {
  runId: string;
  tenant: string;
  job: string;
  startedAt: string;
  committedAt?: string;
  files: CommittedFile[];
  /** The reader's checkpoint per stream after this run's data. */
  checkpoints: Record<string, string>;
  /** Streams written with disposition replace: their earlier run folders are retired. */
  replaced?: string[];
  /** The run folders (`<stream>/run_id=<run>`) this commit retires, fixed at its commit point. */
  retired?: string[];
  /**
   * The job's commits in order (1, 2, ...), given under the run lock at the commit point:
   * state.backend target reads the latest checkpoint by it, not by clocks of many machines.
   */
  seq?: number;
  /** Streams whose state `dativo-host state reset` forgot (a commit with no files). */
  stateReset?: string[];
}

/** The job a run belongs to: locks, staging and recovery are per tenant and job. */
export interface RunScope {
  tenant: string;
  job: string;
}

export interface StagedFile {
  write(chunk: Uint8Array): Promise<void>;
  /** Flushes and syncs the file; returns its size. */
  close(): Promise<number>;
  /** Path relative to the target root once committed. */
  readonly path: string;
}

export interface RunStaging {
  readonly runId: string;
  /** A new file for `stream`, at `relPath` inside the stream's folder of this run (partition folders allowed). */
  createFile(stream: string, relPath: string): Promise<StagedFile>;
  /**
   * Makes the run's files visible, retires the earlier data of `record.replaced`
   * streams, and makes the record durable. `applied` runs after the files are in place
   * and before the commit is final (the state checkpoint goes there): a crash in
   * between is finished by `recover`, which calls it again.
   */
  commit(record: CommitRecord, applied: (record: CommitRecord) => Promise<void>): Promise<CommitRecord>;
  /**
   * Discards every staged file, unless the run is past its commit point (a step after it
   * failed): then its files stay for `recover` to finish, and it says 'kept'.
   */
  abort(): Promise<'discarded' | 'kept'>;
}

export interface RunLock {
  release(): Promise<void>;
}

export interface Target {
  readonly description: string;
  /** Throws a typed TargetError when the target cannot be written (missing, refused). */
  check(): Promise<void>;
  /** One run of a job at a time: RUN_LOCKED names the holder. */
  lock(scope: RunScope, runId: string): Promise<RunLock>;
  /** Finishes the job's commits a crash interrupted; returns them, oldest first. */
  recover(scope: RunScope, applied: (record: CommitRecord) => Promise<void>): Promise<CommitRecord[]>;
  beginRun(runId: string, scope: RunScope): Promise<RunStaging>;
}
