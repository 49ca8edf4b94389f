import { createHash, randomBytes } from 'node:crypto';
import { link, lstat, mkdir, open, readdir, readFile, rename, rm, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { syncDir, writeAtomic, writeSynced } from '../files/atomic-write.js';
import { TargetError } from './errors.js';
import type { ObjectWriter, TargetStore } from './store.js';

/** Manifests and locks are small; a larger file under _dativo was not written by the host. */
const MAX_TEXT_BYTES = 16 * 2 ** 20;

/**
 * A local folder as a store. Every key is resolved segment by segment under the root and
 * refused when an existing segment is a symlink or a special file: a folder the host
 * reads back may have been written by a plugin in an earlier run, and a planted
 * `_dativo -> ../elsewhere` must not send the host's renames outside the root.
 */
export class LocalStore implements TargetStore {
  readonly root: string;
  readonly description: string;
  constructor(root: string) {
    this.root = resolve(root);
    this.description = `local directory ${this.root}`;
  }

  /** The key's path, after checking every segment that exists. */
  async #path(key: string): Promise<string> {
    const segments = key.split('/');
    if (segments.some((s) => s === '' || s === '.' || s === '..' || s.includes('\\') || s.includes('\0'))) {
      throw new TargetError('TARGET_UNSAFE', `invalid key ${JSON.stringify(key)}`, { details: { key } });
    }
    let p = this.root;
    for (const s of segments) {
      p = join(p, s);
      const st = await lstat(p).catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') return undefined;
        throw e;
      });
      if (st === undefined) break;
      if (st.isSymbolicLink() || !(st.isDirectory() || st.isFile())) {
        throw new TargetError('TARGET_UNSAFE', `${p} is ${st.isSymbolicLink() ? 'a symlink' : 'a special file'}; the host does not follow it inside a target folder`, {
          details: { path: p },
        });
      }
    }
    return join(this.root, ...segments);
  }

  async create(key: string): Promise<ObjectWriter> {
    const file = await this.#path(key);
    await mkdir(dirname(file), { recursive: true });
    await this.#path(key); // mkdir created folders: none of them may have become a link meanwhile
    const handle = await open(file, 'wx');
    let bytes = 0;
    return {
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
  }

  async read(key: string): Promise<{ text: string; version: string } | undefined> {
    const file = await this.#path(key);
    const st = await lstat(file).catch(() => undefined);
    if (st === undefined) return undefined;
    if (st.size > MAX_TEXT_BYTES) throw new TargetError('TARGET_CORRUPT', `${file} is ${st.size} bytes; the host writes at most ${MAX_TEXT_BYTES} there`, { details: { path: file } });
    const text = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return undefined;
      throw e;
    });
    return text === undefined ? undefined : { text, version: createHash('sha256').update(text).digest('hex') };
  }

  async write(key: string, text: string): Promise<void> {
    const file = await this.#path(key);
    await writeAtomic(file, text);
  }

  async writeIf(key: string, text: string, condition: { absent: true } | { version: string }): Promise<boolean> {
    const file = await this.#path(key);
    if ('version' in condition) {
      // Compare, then replace: not atomic against a racer doing the same (locks only use it
      // to take over a stale lock; run-lock.ts re-reads after the write).
      const current = await this.read(key);
      if (current?.version !== condition.version) return false;
      await writeAtomic(file, text);
      return true;
    }
    await mkdir(dirname(file), { recursive: true });
    const tmp = `${file}.tmp-${randomBytes(4).toString('hex')}`;
    await writeSynced(tmp, text, 'wx');
    try {
      await link(tmp, file); // atomic: fails with EEXIST when the key exists
      await syncDir(dirname(file));
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e;
    } finally {
      await unlink(tmp).catch(() => undefined);
    }
  }

  async delete(key: string): Promise<void> {
    await rm(await this.#path(key), { force: true });
  }

  async list(prefix: string): Promise<string[]> {
    const dir = prefix === '' ? this.root : await this.#path(prefix);
    return (await readdir(dir).catch(() => [] as string[])).sort();
  }

  async move(from: string, to: string): Promise<void> {
    const src = await this.#path(from);
    const dst = await this.#path(to);
    if ((await lstat(src).catch(() => undefined)) === undefined) return;
    await mkdir(dirname(dst), { recursive: true });
    await this.#path(to);
    await rename(src, dst);
    await syncDir(dirname(dst));
    await syncDir(dirname(src));
  }

  async removeAll(prefix: string): Promise<void> {
    await rm(await this.#path(prefix), { recursive: true, force: true });
  }

  async sync(prefix: string): Promise<void> {
    await syncTree(await this.#path(prefix));
  }

  async check(): Promise<void> {
    try {
      await mkdir(this.root, { recursive: true });
      const probe = `_dativo/.check-${process.pid}-${randomBytes(3).toString('hex')}`;
      await this.write(probe, 'ok');
      await this.delete(probe);
    } catch (e) {
      if (e instanceof TargetError) throw e;
      const err = e as NodeJS.ErrnoException;
      throw new TargetError(err.code === 'EACCES' || err.code === 'EPERM' ? 'TARGET_AUTH' : 'TARGET_IO', `${this.description} is not writable: ${err.message}`, {
        details: { path: this.root, errno: err.code },
      });
    }
  }
}

async function syncTree(dir: string): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => undefined);
  if (entries === undefined) return;
  for (const e of entries) if (e.isDirectory()) await syncTree(join(dir, e.name));
  await syncDir(dir);
}
