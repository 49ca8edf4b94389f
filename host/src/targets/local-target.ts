import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import type { CommitRecord, RunStaging, StagedFile, Target } from './target.js';
import { syncDir, writeAtomic } from '../files/atomic-write.js';
import { crashPoint } from '../files/crash-point.js';

/**
 * A local directory target (the embedded default).
 *
 *   <root>/<stream>/run_id=<run>/[<partition>=<value>/]part-NNNNN.parquet   committed data
 *   <root>/_dativo/staging/<run>/<stream>/...                                 files being written
 *   <root>/_dativo/pending/<run>.json                                         commit point passed, not finished
 *   <root>/_dativo/commits/<run>.json                                         finished commits
 *
 * Commit: fsync every staged file, write the commit manifest to pending/ (the commit
 * point), rename each stream's staged folder to <stream>/run_id=<run> (one rename per
 * stream, so a reader sees all of a stream's files of a run or none), run `applied`
 * (state checkpoint), then move the manifest to commits/.
 */
export class LocalTarget implements Target {
  readonly description: string;
  constructor(readonly root: string) {
    this.description = `local directory ${root}`;
  }

  #meta = (...p: string[]) => join(this.root, '_dativo', ...p);

  async recover(applied: (record: CommitRecord) => Promise<void>): Promise<CommitRecord[]> {
    const pendingDir = this.#meta('pending');
    const names = (await readdir(pendingDir).catch(() => [] as string[])).filter((n) => n.endsWith('.json')).sort();
    const done: CommitRecord[] = [];
    for (const name of names) {
      const record = JSON.parse(await readFile(join(pendingDir, name), 'utf8')) as CommitRecord;
      await this.#finish(record, applied);
      done.push(record);
    }
    // Staging folders of runs that never reached their commit point hold nothing visible.
    const staging = this.#meta('staging');
    for (const run of await readdir(staging).catch(() => [] as string[])) {
      if (!names.includes(`${run}.json`)) await rm(join(staging, run), { recursive: true, force: true });
    }
    return done;
  }

  async beginRun(runId: string): Promise<RunStaging> {
    const stagingRoot = this.#meta('staging', runId);
    await mkdir(stagingRoot, { recursive: true });
    const streams = new Set<string>();
    const target = this;
    return {
      runId,
      async createFile(stream: string, relPath: string): Promise<StagedFile> {
        if (stream.includes('/') || stream.startsWith('.') || stream === '_dativo') throw new Error(`invalid stream name for a folder: ${stream}`);
        streams.add(stream);
        const file = join(stagingRoot, stream, relPath);
        if (!file.startsWith(join(stagingRoot, stream) + sep)) throw new Error(`file path leaves the stream folder: ${relPath}`);
        await mkdir(dirname(file), { recursive: true });
        const handle = await open(file, 'wx');
        let bytes = 0;
        return {
          path: join(stream, `run_id=${runId}`, relPath),
          async write(chunk) {
            let off = 0;
            while (off < chunk.byteLength) off += (await handle.write(chunk, off)).bytesWritten;
            bytes += chunk.byteLength;
          },
          async close() {
            await handle.sync();
            await handle.close();
            return bytes;
          },
        };
      },
      async commit(record, applied) {
        for (const s of streams) await syncTree(join(stagingRoot, s));
        crashPoint('after-staging');
        const committed: CommitRecord = { ...record, committedAt: new Date().toISOString() };
        await writeAtomic(target.#meta('pending', `${runId}.json`), JSON.stringify(committed, null, 2));
        crashPoint('after-commit-point');
        await target.#finish(committed, applied);
        return committed;
      },
      async abort() {
        await rm(stagingRoot, { recursive: true, force: true });
      },
    };
  }

  /** Idempotent: renames what is still staged, applies, then files the manifest under commits/. */
  async #finish(record: CommitRecord, applied: (record: CommitRecord) => Promise<void>): Promise<void> {
    const stagingRoot = this.#meta('staging', record.runId);
    for (const stream of new Set(record.files.map((f) => f.stream))) {
      const from = join(stagingRoot, stream);
      const to = join(this.root, stream, `run_id=${record.runId}`);
      if (await exists(from)) {
        await mkdir(dirname(to), { recursive: true });
        await rename(from, to);
        await syncDir(dirname(to));
      }
    }
    crashPoint('after-publish');
    await applied(record);
    crashPoint('after-state');
    await mkdir(this.#meta('commits'), { recursive: true });
    await rename(this.#meta('pending', `${record.runId}.json`), this.#meta('commits', `${record.runId}.json`));
    await syncDir(this.#meta('commits'));
    await rm(stagingRoot, { recursive: true, force: true });
  }

  /** The finished commit manifests, oldest first. */
  async commits(): Promise<CommitRecord[]> {
    const dir = this.#meta('commits');
    const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.json')).sort();
    return Promise.all(names.map(async (n) => JSON.parse(await readFile(join(dir, n), 'utf8')) as CommitRecord));
  }
}

const exists = (p: string) => stat(p).then(() => true, () => false);

async function syncTree(dir: string): Promise<void> {
  if (!(await exists(dir))) return;
  for (const e of await readdir(dir, { withFileTypes: true })) if (e.isDirectory()) await syncTree(join(dir, e.name));
  await syncDir(dir);
}

