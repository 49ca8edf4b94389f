/**
 * state.backend target: a stream's checkpoint is the one in the job's latest commit
 * manifest that speaks of the stream, so data and state share one commit point and any
 * machine that reaches the target resumes where the last run stopped. The manifests are
 * read in commit order (seq), pending ones included: past their commit point, they are
 * committed (recover finishes them before a run reads its state).
 *
 * Walking back from the newest commit, a stream's state is the first of:
 *   stateReset names it      -> none (state reset was run)
 *   checkpoints has it       -> that checkpoint (a run carries forward what it started from)
 *   replaced names it        -> none (a replace run without a checkpoint: its older runs
 *                               are retired, so their checkpoints say nothing any more)
 * A stream the target never spoke of takes the file store's state (migration from
 * backend file), once: that run's manifest then carries it.
 */
import type { Logger } from 'pino';
import { HostError } from '../errors/index.js';
import type { CommittedTarget } from '../targets/commit-protocol.js';
import type { CommitRecord } from '../targets/target.js';
import type { StateResetAudit } from './audit.js';
import type { FileStateStore, ManagedStateStore, ShownState, StreamState } from './state-store.js';

type Found = { state: StreamState } | { none: 'reset' | 'replaced' | 'never' };

export class TargetStateStore implements ManagedStateStore {
  readonly backend = 'target';
  readonly savedByCommit = true;
  readonly description: string;
  readonly migrated = new Map<string, string>();
  #records: Promise<CommitRecord[]> | undefined;

  /** One instance per run: the manifests are read once, after recover. */
  constructor(readonly target: CommittedTarget, readonly opts: { fallback?: FileStateStore; log?: Logger; newRunId: () => string }) {
    this.description = `commit manifests in ${target.description}`;
  }

  #load(tenant: string, job: string): Promise<CommitRecord[]> {
    this.#records ??= this.target.records({ tenant, job });
    return this.#records;
  }

  async #find(tenant: string, job: string, stream: string): Promise<Found> {
    const records = await this.#load(tenant, job);
    for (let i = records.length - 1; i >= 0; i--) {
      const r = records[i]!;
      if (r.stateReset?.includes(stream)) return { none: 'reset' };
      const checkpoint = r.checkpoints[stream];
      if (checkpoint !== undefined) return { state: { checkpoint, runId: r.runId, updatedAt: r.committedAt ?? r.startedAt } };
      if (r.replaced?.includes(stream)) return { none: 'replaced' };
    }
    return { none: 'never' };
  }

  async get(tenant: string, job: string, stream: string): Promise<StreamState | undefined> {
    const found = await this.#find(tenant, job, stream);
    if ('state' in found) return found.state;
    if (found.none !== 'never' || !this.opts.fallback) return undefined;
    const old = await this.opts.fallback.get(tenant, job, stream);
    if (old) {
      this.migrated.set(stream, this.opts.fallback.description);
      this.opts.log?.warn(
        { stream, migratedFrom: this.opts.fallback.description, checkpoint: old.checkpoint },
        `state.backend target: ${this.target.description} has no state for stream ${stream}; took the ${this.opts.fallback.description} (this run's commit carries it from now on)`,
      );
    }
    return old;
  }

  async put(): Promise<void> {
    throw new HostError('INTERNAL', 'host', 'state.backend target: the commit manifest holds the checkpoints; put is never called');
  }

  async list(tenant: string, job: string): Promise<ShownState[]> {
    const records = await this.#load(tenant, job);
    const streams = new Set(records.flatMap((r) => [...Object.keys(r.checkpoints), ...(r.stateReset ?? []), ...(r.replaced ?? [])]));
    const shown: ShownState[] = [];
    for (const stream of [...streams].sort()) {
      const found = await this.#find(tenant, job, stream);
      if ('state' in found) shown.push({ stream, ...found.state, from: this.description });
    }
    // What a first run with this backend would still take from the file store.
    for (const s of (await this.opts.fallback?.list(tenant, job)) ?? []) {
      if (!streams.has(s.stream)) shown.push({ ...s, from: `${s.from} (not yet migrated)` });
    }
    return shown;
  }

  /** A commit with no files that names the streams: the reset has the same commit point as data. */
  async reset(tenant: string, job: string, streams: string[], audit: StateResetAudit): Promise<void> {
    const scope = { tenant, job };
    const runId = this.opts.newRunId();
    const lock = await this.target.lock(scope, runId);
    try {
      // A run killed after its commit point is finished first, so the reset comes after it.
      await this.target.recover(scope, async () => {});
      await this.target.store.write(`_dativo/state/audit/${tenant}/${job}/${audit.id}.json`, JSON.stringify(audit, null, 2));
      const run = await this.target.beginRun(runId, scope);
      await run.commit({ runId, tenant, job, startedAt: audit.at, files: [], checkpoints: {}, stateReset: streams }, async () => {});
      this.#records = undefined;
    } finally {
      await lock.release();
    }
  }

  async close(): Promise<void> {}
}
