import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeAtomic } from '../files/atomic-write.js';

/** Incremental state per tenant, job and stream: the reader's last committed checkpoint. */
export interface StateStore {
  get(tenant: string, job: string, stream: string): Promise<StreamState | undefined>;
  put(tenant: string, job: string, stream: string, state: StreamState): Promise<void>;
}

export interface StreamState {
  /** Opaque JSON from the reader. */
  checkpoint: string;
  runId: string;
  updatedAt: string;
}

const safe = (s: string) => encodeURIComponent(s);

/** One small JSON file per stream, written atomically: <dir>/<tenant>/<job>/<stream>.json. */
export class FileStateStore implements StateStore {
  constructor(readonly dir: string) {}

  #file(tenant: string, job: string, stream: string): string {
    return join(this.dir, safe(tenant), safe(job), `${safe(stream)}.json`);
  }

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
}
