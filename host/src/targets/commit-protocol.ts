/**
 * The commit protocol, written once over a TargetStore (local folder, S3 prefix):
 *
 *   <stream>/run_id=<run>/[<partition>=<value>/]part-NNNNN.parquet   committed data
 *   _dativo/staging/<tenant>+<job>+<run>/<stream>/...                  files being written
 *   _dativo/pending/<run>.json                                         commit point passed, not finished
 *   _dativo/commits/<run>.json                                         finished commits
 *   _dativo/retired/<run>/<stream>/run_id=<old>                        replaced data, being removed
 *   _dativo/locks/<tenant>/<job>.json                                  the run holding the job
 *
 * Commit: sync the staged files, write the manifest to pending/ (the commit point: it
 * lists the files and the run folders a replace retires), move each stream's staged
 * folder to <stream>/run_id=<run>, move the retired folders out of sight, run `applied`
 * (state checkpoint), then move the manifest to commits/. Each step is idempotent, so
 * `recover` finishes a commit killed anywhere after its commit point.
 *
 * Everything read back from the target (manifests, folder names) is checked against
 * the layout's patterns (keys.ts, commit-record.ts) before a path is built from it.
 */
import { crashPoint } from '../files/crash-point.js';
import { parseCommitRecord } from './commit-record.js';
import { checkName, checkRelPath, RUN_ID, runFolder, SCOPE_NAME, STREAM_ID } from './keys.js';
import { acquireRunLock } from './run-lock.js';
import type { TargetStore } from './store.js';
import type { CommitRecord, RunLock, RunScope, RunStaging, StagedFile, Target } from './target.js';

const MANIFEST_READS = 16;
const RUN_FOLDER = new RegExp(`^run_id=${RUN_ID.source.slice(1, -1)}$`);

export class CommittedTarget implements Target {
  readonly description: string;
  constructor(readonly store: TargetStore) {
    this.description = store.description;
  }

  check(): Promise<void> {
    return this.store.check();
  }

  lock(scope: RunScope, runId: string): Promise<RunLock> {
    return acquireRunLock(this.store, checkScope(scope), checkName('run id', runId, RUN_ID));
  }

  /** A run's staging folder; `+` is in no tenant, job or run name, so the job's runs are told apart. */
  #staging = (scope: RunScope, runId: string) => `_dativo/staging/${scope.tenant}+${scope.job}+${runId}`;

  /** The run's staging folder, removed once its commit is finished (a table format keeps its plan there). */
  protected stagingFolder(scope: RunScope, runId: string): string {
    return this.#staging(scope, runId);
  }

  /**
   * A table format's step (targets/iceberg/): runs once the files are in place, before
   * retire and state, again by recover after a crash, so it must be idempotent. None here.
   */
  protected async publish(_record: CommitRecord): Promise<void> {}

  async recover(scope: RunScope, applied: (record: CommitRecord) => Promise<void>): Promise<CommitRecord[]> {
    checkScope(scope);
    const done: CommitRecord[] = [];
    for (const record of await this.#records('pending')) {
      if (record.tenant !== scope.tenant || record.job !== scope.job) continue; // another job's, finished by it
      await this.#finish(record, applied);
      done.push(record);
    }
    // Staging folders of runs that never reached their commit point hold nothing visible.
    const pending = new Set(done.map((r) => this.#staging(scope, r.runId)));
    const ours = `${scope.tenant}+${scope.job}+`;
    for (const name of await this.store.list('_dativo/staging')) {
      const folder = `_dativo/staging/${name}`;
      if (name.startsWith(ours) && !pending.has(folder)) await this.store.removeAll(folder);
    }
    return done;
  }

  async beginRun(runId: string, scope: RunScope): Promise<RunStaging> {
    checkName('run id', runId, RUN_ID);
    const stagingRoot = this.#staging(checkScope(scope), runId);
    const streams = new Set<string>();
    const target = this;
    return {
      runId,
      async createFile(stream: string, relPath: string): Promise<StagedFile> {
        checkName('stream name', stream, STREAM_ID);
        checkRelPath(relPath);
        streams.add(stream);
        const writer = await target.store.create(`${stagingRoot}/${stream}/${relPath}`);
        return { path: `${runFolder(stream, runId)}/${relPath}`, write: (c) => writer.write(c), close: () => writer.close() };
      },
      async commit(record, applied) {
        for (const s of streams) await target.store.sync(`${stagingRoot}/${s}`);
        crashPoint('after-staging');
        const retired: string[] = [];
        for (const stream of record.replaced ?? []) {
          checkName('stream name', stream, STREAM_ID);
          for (const name of await target.store.list(stream)) if (RUN_FOLDER.test(name) && name !== `run_id=${runId}`) retired.push(`${stream}/${name}`);
        }
        const seq = 1 + Math.max(0, ...(await target.records(scope)).map((r) => r.seq ?? 0));
        const committed: CommitRecord = { ...record, retired, seq, committedAt: new Date().toISOString() };
        // Round-trips through the same check recover applies: a record it would refuse is never written.
        parseCommitRecord(JSON.stringify(committed), 'the new commit manifest', runId);
        await target.store.write(`_dativo/pending/${runId}.json`, JSON.stringify(committed, null, 2));
        crashPoint('after-commit-point');
        await target.#finish(committed, applied);
        return committed;
      },
      async abort() {
        // Past its commit point (a step of #finish failed) the run is recover's to finish: keep its files.
        if (await target.store.read(`_dativo/pending/${runId}.json`)) return 'kept';
        await target.store.removeAll(stagingRoot);
        return 'discarded';
      },
    };
  }

  /** Idempotent: publishes what is still staged, retires, applies, then files the manifest under commits/. */
  async #finish(record: CommitRecord, applied: (record: CommitRecord) => Promise<void>): Promise<void> {
    const stagingRoot = this.#staging(record, record.runId);
    for (const stream of new Set(record.files.map((f) => f.stream))) {
      await this.store.move(`${stagingRoot}/${stream}`, runFolder(stream, record.runId));
    }
    crashPoint('after-publish');
    await this.publish(record);
    for (const folder of record.retired ?? []) await this.store.move(folder, `_dativo/retired/${record.runId}/${folder}`);
    crashPoint('after-retire');
    await applied(record);
    crashPoint('after-state');
    await this.store.write(`_dativo/commits/${record.runId}.json`, JSON.stringify(record, null, 2));
    await this.store.delete(`_dativo/pending/${record.runId}.json`);
    await this.store.removeAll(stagingRoot);
    await this.store.removeAll(`_dativo/retired/${record.runId}`);
  }

  /** Finished commit manifests, oldest first. */
  commits(): Promise<CommitRecord[]> {
    return this.#records('commits');
  }

  /**
   * The job's commits past their commit point (finished, and pending ones recover will
   * finish), oldest first: by seq, then (manifests written before seq) by time.
   */
  async records(scope: RunScope): Promise<CommitRecord[]> {
    checkScope(scope);
    const ours = [...(await this.#records('commits')), ...(await this.#records('pending'))]
      .filter((r) => r.tenant === scope.tenant && r.job === scope.job);
    const byRun = new Map(ours.map((r) => [r.runId, r])); // a pending copy of a finished one
    const key = (r: CommitRecord) => `${String(r.seq ?? 0).padStart(12, '0')} ${r.committedAt ?? r.startedAt} ${r.runId}`;
    return [...byRun.values()].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  }

  /** Read MANIFEST_READS at a time: on S3 each is a round trip, and a job keeps every manifest. */
  async #records(folder: 'pending' | 'commits'): Promise<CommitRecord[]> {
    // A name without .json is a temporary file of an interrupted write.
    const names = (await this.store.list(`_dativo/${folder}`)).filter((n) => n.endsWith('.json'));
    const runIds = names.map((name) => checkName('commit manifest', name.slice(0, -'.json'.length), RUN_ID));
    const texts: ({ text: string } | undefined)[] = new Array(names.length);
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < names.length; i = next++) texts[i] = await this.store.read(`_dativo/${folder}/${names[i]}`);
    };
    await Promise.all(Array.from({ length: Math.min(MANIFEST_READS, names.length) }, worker));
    return names.flatMap((name, i) => (texts[i] === undefined ? [] : [parseCommitRecord(texts[i]!.text, `${this.description}/_dativo/${folder}/${name}`, runIds[i]!)]));
  }
}

const checkScope = (scope: RunScope): RunScope => {
  checkName('tenant', scope.tenant, SCOPE_NAME);
  checkName('job name', scope.job, SCOPE_NAME);
  return scope;
};
