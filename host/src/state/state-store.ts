import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeAtomic } from '../files/atomic-write.js';
import type { StateResetAudit } from './audit.js';

/** Incremental state per tenant, job and stream: the reader's last committed checkpoint. */
export interface StateStore {
  get(tenant: string, job: string, stream: string): Promise<StreamState | undefined>;
  put(tenant: string, job: string, stream: string, state: StreamState): Promise<void>;
  /** True when the commit manifest itself holds the checkpoints: put is never called. */
  readonly savedByCommit?: boolean;
}

export interface StreamState {
  /** Opaque JSON from the reader. */
  checkpoint: string;
  runId: string;
  updatedAt: string;
}

/** A state as `state show` lists it: where it was found. */
export interface ShownState extends StreamState {
  stream: string;
  /** The backend's description, or the file store a first run would migrate it from. */
  from: string;
}

/** The host's own backends (file, target, postgres): listed and reset by `dativo-host state`. */
export interface ManagedStateStore extends StateStore {
  readonly backend: 'file' | 'target' | 'postgres';
  readonly description: string;
  /** Streams whose state this run took from the file store (migration), and from where. */
  readonly migrated: Map<string, string>;
  list(tenant: string, job: string): Promise<ShownState[]>;
  /** Forgets the state of `streams`; records `audit` in the backend (see audit.ts). */
  reset(tenant: string, job: string, streams: string[], audit: StateResetAudit): Promise<void>;
  close(): Promise<void>;
}

const safe = (s: string) => encodeURIComponent(s);

/**
 * One small JSON file per stream, written atomically: <dir>/<tenant>/<job>/<stream>.json;
 * reset audit records in <dir>/<tenant>/<job>/audit/ (a folder no stream file can be).
 */
export class FileStateStore implements ManagedStateStore {
  readonly backend = 'file';
  readonly description: string;
  readonly migrated = new Map<string, string>();
  constructor(readonly dir: string) {
    this.description = `file state ${dir}`;
  }

  #jobDir = (tenant: string, job: string) => join(this.dir, safe(tenant), safe(job));
  #file = (tenant: string, job: string, stream: string) => join(this.#jobDir(tenant, job), `${safe(stream)}.json`);

  async get(tenant: string, job: string, stream: string): Promise<StreamState | undefined> {
    try {
      return JSON.parse(await readFile(this.#file(tenant, job, stream), 'utf8')) as StreamState;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  async put(tenant: string, job: string, stream: string, state: StreamState): Promise<void> {
    await writeAtomic(this.#file(tenant, job, stream), JSON.stringify(state, null, 2));
  }

  async list(tenant: string, job: string): Promise<ShownState[]> {
    let names: string[];
    try {
      names = (await readdir(this.#jobDir(tenant, job))).filter((n) => n.endsWith('.json')).sort();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    const shown: ShownState[] = [];
    for (const name of names) {
      const stream = decodeURIComponent(name.slice(0, -'.json'.length));
      const s = await this.get(tenant, job, stream);
      if (s) shown.push({ stream, ...s, from: this.description });
    }
    return shown;
  }

  async reset(tenant: string, job: string, streams: string[], audit: StateResetAudit): Promise<void> {
    // The audit record first: a reset that happened is never unrecorded.
    await writeAtomic(join(this.#jobDir(tenant, job), 'audit', `${audit.id}.json`), JSON.stringify(audit, null, 2));
    for (const stream of streams) await rm(this.#file(tenant, job, stream), { force: true });
  }

  async close(): Promise<void> {}
}
