/**
 * Files for TypeScript writers: the granted folders (wasi:filesystem preopens) and a staged
 * file that is invisible until commit. Only for plugins built against the world
 * `file-writer-plugin` (a writer whose manifest grants a folder: `plugin build` picks it),
 * so this module is imported on its own, `../../sdk/src/files.js`, never through index.ts:
 * a reader or plain writer bundle must not import wasi:filesystem.
 *
 * The protocol is the one plugins-rust/jsonl-writer follows: write into a hidden
 * `.staging-<stem>-<k><ext>` in the folder; commit syncs it and renames it to the first
 * free `<stem>-<n><ext>`; abort deletes it. Containment (no `..`, absolute or symlink
 * escape) is the host sandbox's, not this module's: paths are passed on as given.
 */
/// <reference path="../generated/file-writer-plugin.d.ts" />
import { getDirectories } from 'wasi:filesystem/preopens@0.2.12';
import type { Descriptor, ErrorCode } from 'wasi:filesystem/types@0.2.12';
import { PluginError } from './errors.js';
import type { PluginErrorRecord } from './types.js';

/** The WASI error code of a failed filesystem call (the guest sees a code, not a message). */
export function fsErrorCode(e: unknown): ErrorCode | undefined {
  if (typeof e === 'string') return e as ErrorCode;
  const payload = e !== null && typeof e === 'object' ? (e as { payload?: unknown }).payload : undefined;
  return typeof payload === 'string' ? (payload as ErrorCode) : undefined;
}

/** A filesystem failure as the contract's error: a refusal is `auth` (IO_DENIED), as in Rust. */
export function fsError(what: string, path: string, e: unknown): PluginErrorRecord {
  const code = fsErrorCode(e) ?? (e instanceof Error ? e.message : String(e));
  const message = `${what} ${path}: ${code}`;
  if (code === 'access' || code === 'not-permitted' || code === 'read-only') return PluginError.auth(message, { code: 'IO_DENIED' });
  return PluginError.internal(message, { code: 'IO_ERROR' });
}

function attempt<T>(what: string, path: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw fsError(what, path, e);
  }
}

const join = (dir: string, name: string) => (dir.endsWith('/') ? `${dir}${name}` : `${dir}/${name}`);

/** A stream name made safe as a file name (the Rust jsonl-writer's rule). */
export function fileStem(name: string): string {
  const stem = name.replace(/[^A-Za-z0-9_.-]/g, '_');
  return stem === '' || stem.startsWith('.') ? `_${stem}` : stem;
}

/** A folder the plugin may write into: a granted preopen, or a folder below one. */
export class Folder {
  private constructor(
    /** The guest path, as the plugin's config named it. */
    readonly path: string,
    readonly descriptor: Descriptor,
  ) {}

  /**
   * The folder at guest path `path`: the granted preopen it names, or the one whose path
   * starts it (the rest is opened below it, by the sandbox's rules). `config`-level
   * refusal when no grant starts the path.
   */
  static open(path: string): Folder {
    let best: [Descriptor, string] | undefined;
    for (const [descriptor, guest] of getDirectories()) {
      const root = guest.replace(/\/+$/, '') || '/';
      const under = path === root || path.startsWith(root === '/' ? '/' : `${root}/`);
      if (under && (!best || root.length > best[1].length)) best = [descriptor, root];
    }
    if (!best) throw PluginError.config(`${path} is not in a folder the plugin is granted`, { code: 'FOLDER_NOT_GRANTED' });
    const [root, rootPath] = best;
    const rest = path.slice(rootPath.length).replace(/^\/+/, '');
    if (rest === '') return new Folder(path, root);
    // A symlink is followed: the sandbox refuses one that leaves the grant.
    const sub = attempt('open folder', path, () =>
      root.openAt({ symlinkFollow: true }, rest, { directory: true }, { read: true, mutateDirectory: true }),
    );
    return new Folder(path, sub);
  }

  /** True when `name` exists in the folder (a symlink counts as itself). */
  has(name: string): boolean {
    try {
      this.descriptor.statAt({}, name);
      return true;
    } catch (e) {
      if (fsErrorCode(e) === 'no-entry') return false;
      throw fsError('stat', join(this.path, name), e);
    }
  }

  /** A new hidden staging file for `<stem><ext>`, created exclusively. */
  stage(stem: string, ext: string): StagedFile {
    for (let k = 0; k < 10_000; k++) {
      const name = `.staging-${stem}-${k}${ext}`;
      try {
        const file = this.descriptor.openAt({}, name, { create: true, exclusive: true }, { write: true });
        return new StagedFile(this, name, stem, ext, file);
      } catch (e) {
        if (fsErrorCode(e) === 'exist') continue;
        throw fsError('create', join(this.path, name), e);
      }
    }
    throw PluginError.internal('10,000 staging files already exist', { code: 'STAGING_EXHAUSTED' });
  }
}

/** A file written in the folder under a hidden name; it appears under its own name on commit. */
export class StagedFile {
  #file: Descriptor | undefined;
  #offset = 0n;

  constructor(
    readonly folder: Folder,
    readonly stagingName: string,
    readonly stem: string,
    readonly ext: string,
    file: Descriptor,
  ) {
    this.#file = file;
  }

  /** Bytes written so far. */
  get size(): bigint {
    return this.#offset;
  }

  write(bytes: Uint8Array): void {
    const file = this.#open();
    let done = 0;
    while (done < bytes.length) {
      const chunk = done === 0 ? bytes : bytes.subarray(done);
      const n = attempt('write', this.#stagingPath, () => file.write(chunk, this.#offset));
      if (n === 0n) throw PluginError.internal(`write ${this.#stagingPath}: no progress`, { code: 'IO_ERROR' });
      this.#offset += n;
      done += Number(n);
    }
  }

  /** Syncs the file and renames it to the first free `<stem>-<n><ext>`; returns its guest path. */
  commit(): string {
    const file = this.#open();
    attempt('fsync', this.#stagingPath, () => file.sync());
    this.#close();
    let n = 0;
    while (this.folder.has(`${this.stem}-${n}${this.ext}`)) n++;
    const name = `${this.stem}-${n}${this.ext}`;
    const dir = this.folder.descriptor;
    attempt('rename', this.#stagingPath, () => dir.renameAt(this.stagingName, dir, name));
    return join(this.folder.path, name);
  }

  /** Deletes the staging file; a second call (or one after commit) does nothing. */
  abort(): void {
    if (!this.#file) return;
    this.#close();
    attempt('remove', this.#stagingPath, () => this.folder.descriptor.unlinkFileAt(this.stagingName));
  }

  get #stagingPath(): string {
    return join(this.folder.path, this.stagingName);
  }

  #open(): Descriptor {
    if (!this.#file) throw PluginError.internal('the file was already committed or aborted', { code: 'SINK_CLOSED' });
    return this.#file;
  }

  #close(): void {
    // Drops the handle now when the engine has Symbol.dispose, else when it is collected.
    const file = this.#file as (Descriptor & { [k: symbol]: unknown }) | undefined;
    const key = (Symbol as { dispose?: symbol }).dispose;
    const dispose = key ? file?.[key] : undefined;
    if (typeof dispose === 'function') dispose.call(file);
    this.#file = undefined;
  }
}
