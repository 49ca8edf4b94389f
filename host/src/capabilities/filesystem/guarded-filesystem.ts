import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { createShimFilesystem } from '../shim.js';
import type { FilesystemGrant } from '../grant.js';
import type { SandboxContext } from '../context.js';
import { guestPathOf, linkEscapingAfterMove, resolveInRoot, symlinkTargetInRoot, type FsRoot } from './containment.js';
import { DirectRead } from './direct-read.js';
import { HandleBudget, MAX_OPEN_HANDLES } from '../handle-budget.js';
import { shimPath } from './shim-path.js';
import { specialFileKind } from './special-file.js';
import { ExactTimes, timestampForShimFutimes, timestampOf, type NewTimestamp } from './exact-times.js';

/* The shim's descriptor, as far as this module uses it (its classes are untyped JS). */
/* eslint-disable @typescript-eslint/no-explicit-any */
type Inner = any;
interface PathFlags { symlinkFollow?: boolean }
interface OpenFlags { create?: boolean; directory?: boolean; exclusive?: boolean; truncate?: boolean }
interface DescriptorFlags { read?: boolean; write?: boolean; mutateDirectory?: boolean; [k: string]: boolean | undefined }

const API = 'wasi:filesystem/types';

/**
 * wasi:filesystem for one plugin instance: the granted preopens only, every path
 * proved to stay inside its root (no "..", absolute path or symlink escape), and
 * read-only grants refusing every write, create, rename, delete and truncate, no rename
 * or hard link that puts a symlink where its target leaves the grant, no special file
 * (FIFO, socket, device) opened, and at most `budget.limit` handles open at once.
 * The shim's Node filesystem does the I/O; containment is enforced here, before it.
 */
export function createGuardedFilesystem(
  grants: FilesystemGrant[], ctx: SandboxContext, budget = new HandleBudget(MAX_OPEN_HANDLES),
) {
  const roots: FsRoot[] = grants.map((g) => ({ guest: g.guest, host: resolve(g.host), real: realpathSync(g.host), readOnly: g.readOnly }));
  const inner = createShimFilesystem({ preopens: Object.fromEntries(roots.map((r) => [r.guest, r.host])) });
  const times = new ExactTimes();

  const refuse = (root: FsRoot, op: string, guest: string, reason: string, errno: string): never => {
    ctx.deny({
      capability: 'filesystem',
      target: guest,
      api: `${API}.descriptor.${op}`,
      reason,
      allowWith: reason.startsWith('read-only')
        ? `capabilities.filesystem: [{ guest: ${root.guest}, host: ${root.host}, access: read-write }]`
        : `capabilities.filesystem: [{ guest: ${guest.replace(/\/[^/]*$/, '') || '/'}, host: <host directory>, access: read }]`,
    });
    throw errno;
  };
  const NOT_GRANTABLE = '(not grantable: a host limit)';
  // Not a missing grant: no manifest line allows it, so the denial names none.
  const refuseAlways = (op: string, guest: string, reason: string, errno: string): never => {
    ctx.deny({ capability: 'filesystem', target: guest, api: `${API}.descriptor.${op}`, reason, allowWith: NOT_GRANTABLE });
    throw errno;
  };
  const handle = <T extends object>(op: string, guest: string, open: () => T): T => {
    if (budget.full) {
      const reason = `limit of ${budget.limit} open filesystem handles per instance reached`;
      refuseAlways(op, guest, reason, 'insufficient-memory');
    }
    return budget.track(open());
  };
  // A stream's pollables count too: a guest could subscribe a million times.
  const stream = <T extends object>(op: string, guest: string, open: () => T): T => {
    const s = handle(op, guest, open) as T & { subscribe?: () => object };
    const subscribe = s.subscribe?.bind(s);
    if (subscribe) Object.defineProperty(s, 'subscribe', { value: () => handle('subscribe', guest, subscribe) });
    return s;
  };

  class Descriptor {
    readonly #inner: Inner;
    readonly #root: FsRoot;
    readonly #host: string;
    readonly #direct: DirectRead | undefined;
    /** The path the shim resolves this descriptor's paths from (its own resolution). */
    readonly #shimBase: string;

    constructor(innerDescriptor: Inner, root: FsRoot, host: string, shimBase: string, direct?: DirectRead) {
      this.#inner = innerDescriptor;
      this.#root = root;
      this.#host = host;
      this.#shimBase = shimBase;
      this.#direct = direct;
    }

    static unwrap(d: Descriptor): Inner {
      return d.#inner;
    }

    #path(op: string, path: string, follow: boolean, write: boolean): string {
      if (path.includes('\0')) throw 'invalid'; // no file has that name (Node would throw)
      const r = resolveInRoot(this.#root, this.#host, path, follow);
      if (!r.ok) return refuse(this.#root, op, r.guest, r.reason, 'not-permitted');
      if (write && this.#root.readOnly) return refuse(this.#root, op, guestPathOf(this.#root, r.host), 'read-only grant', 'read-only');
      return r.host;
    }

    /** A symlink moved or linked from `from` to `to` must still point inside its (new) root. */
    #linksStay(op: 'rename' | 'link', from: string, to: Descriptor, toHost: string): void {
      const escaping = linkEscapingAfterMove(this.#root, from, to.#root, toHost, op);
      if (escaping) {
        const reason = 'symlink target outside the granted directory at its new place';
        refuse(to.#root, `${op}-at`, `${escaping.guest} -> ${escaping.target}`, reason, 'not-permitted');
      }
    }

    get #guest(): string {
      return guestPathOf(this.#root, this.#host);
    }

    #writable(op: string): void {
      if (this.#root.readOnly) refuse(this.#root, op, guestPathOf(this.#root, this.#host), 'read-only grant', 'read-only');
    }

    openAt(pathFlags: PathFlags, path: string, openFlags: OpenFlags, flags: DescriptorFlags): Descriptor {
      const writes = !!(openFlags.create || openFlags.truncate || openFlags.exclusive || flags.write || flags.mutateDirectory);
      const follow = !!pathFlags.symlinkFollow;
      const host = this.#path('open-at', path, follow, writes);
      // The file the kernel's walk reaches, and the one the shim will open (they differ
      // for `..` after a link): neither may be a special file.
      const target = shimPath(this.#shimBase, path, follow);
      const special = specialFileKind(host, follow) ?? (target === undefined ? undefined : specialFileKind(target, false));
      if (special) {
        const reason = `a ${special} is not opened in the sandbox (it could block the host)`;
        refuseAlways('open-at', guestPathOf(this.#root, host), reason, 'not-permitted');
      }
      return handle('open-at', guestPathOf(this.#root, host), () => {
        const opened = this.#inner.openAt(pathFlags, path, openFlags, flags);
        // The shim opened `target` (it refuses what shimPath cannot resolve).
        const at = target ?? host;
        const direct = flags.read && !openFlags.directory ? DirectRead.at(at, follow) : undefined;
        return new Descriptor(opened, this.#root, host, at, direct);
      });
    }
    statAt(pathFlags: PathFlags, path: string) {
      const follow = !!pathFlags.symlinkFollow;
      const host = this.#path('stat-at', path, follow, false);
      const stat = this.#inner.statAt(pathFlags, path);
      return times.apply(shimPath(this.#shimBase, path, follow) ?? host, follow, stat);
    }
    metadataHashAt(pathFlags: PathFlags, path: string) {
      this.#path('metadata-hash-at', path, !!pathFlags.symlinkFollow, false);
      return this.#inner.metadataHashAt(pathFlags, path);
    }
    readlinkAt(path: string) {
      this.#path('readlink-at', path, false, false);
      return this.#inner.readlinkAt(path);
    }
    setTimesAt(pathFlags: PathFlags, path: string, atime: NewTimestamp, mtime: NewTimestamp) {
      const follow = !!pathFlags.symlinkFollow;
      const host = this.#path('set-times-at', path, follow, true);
      const t = times.resolve(this.statAt(pathFlags, path), atime, mtime);
      this.#inner.setTimesAt(pathFlags, path, timestampOf(t.atime), timestampOf(t.mtime));
      times.record(shimPath(this.#shimBase, path, follow) ?? host, follow, t.atime, t.mtime);
    }
    createDirectoryAt(path: string) {
      this.#path('create-directory-at', path, false, true);
      return this.#inner.createDirectoryAt(path);
    }
    removeDirectoryAt(path: string) {
      this.#path('remove-directory-at', path, false, true);
      return this.#inner.removeDirectoryAt(path);
    }
    unlinkFileAt(path: string) {
      this.#path('unlink-file-at', path, false, true);
      return this.#inner.unlinkFileAt(path);
    }
    linkAt(oldFlags: PathFlags, oldPath: string, newDescriptor: Descriptor, newPath: string) {
      const from = this.#path('link-at', oldPath, !!oldFlags.symlinkFollow, true);
      const to = newDescriptor.#path('link-at', newPath, false, true);
      if (!oldFlags.symlinkFollow) this.#linksStay('link', from, newDescriptor, to);
      return this.#inner.linkAt(oldFlags, oldPath, newDescriptor.#inner, newPath);
    }
    renameAt(oldPath: string, newDescriptor: Descriptor, newPath: string) {
      const from = this.#path('rename-at', oldPath, false, true);
      const to = newDescriptor.#path('rename-at', newPath, false, true);
      this.#linksStay('rename', from, newDescriptor, to);
      return this.#inner.renameAt(oldPath, newDescriptor.#inner, newPath);
    }
    symlinkAt(target: string, newPath: string) {
      const link = this.#path('symlink-at', newPath, false, true);
      if (target.includes('\0')) throw 'invalid';
      if (!symlinkTargetInRoot(this.#root, link, target)) {
        refuse(this.#root, 'symlink-at', `${guestPathOf(this.#root, link)} -> ${target}`, 'symlink target outside the granted directory', 'not-permitted');
      }
      return this.#inner.symlinkAt(target, newPath);
    }

    // Writes through an open descriptor.
    writeViaStream(offset: bigint) {
      this.#writable('write-via-stream');
      return stream('write-via-stream', this.#guest, () => this.#inner.writeViaStream(offset));
    }
    appendViaStream() {
      this.#writable('append-via-stream');
      return stream('append-via-stream', this.#guest, () => this.#inner.appendViaStream());
    }
    write(buffer: Uint8Array, offset: bigint) {
      this.#writable('write');
      return this.#inner.write(buffer, offset);
    }
    setSize(size: bigint) {
      this.#writable('set-size');
      return this.#inner.setSize(size);
    }
    setTimes(atime: NewTimestamp, mtime: NewTimestamp) {
      this.#writable('set-times');
      const t = times.resolve(this.stat(), atime, mtime);
      this.#inner.setTimes(timestampForShimFutimes(t.atime), timestampForShimFutimes(t.mtime));
      times.record(this.#shimBase, true, t.atime, t.mtime);
    }

    // Reads and harmless calls on an already-contained descriptor.
    readViaStream(offset: bigint) {
      return stream('read-via-stream', this.#guest, () => this.#inner.readViaStream(offset));
    }
    read(length: bigint, offset: bigint) { return this.#direct?.read(length, offset) ?? this.#inner.read(length, offset); }
    readDirectory() { return handle('read-directory', this.#guest, () => this.#inner.readDirectory()); }
    advise(offset: bigint, length: bigint, advice: unknown) { return this.#inner.advise(offset, length, advice); }
    syncData() { return this.#inner.syncData(); }
    sync() { return this.#inner.sync(); }
    getFlags() {
      const f = this.#inner.getFlags();
      return this.#root.readOnly ? { ...f, write: false, mutateDirectory: false } : f;
    }
    getType() { return this.#inner.getType(); }
    stat() { return times.apply(this.#shimBase, true, this.#inner.stat()); }
    metadataHash() { return this.#inner.metadataHash(); }
    isSameObject(other: Descriptor) { return this.#inner.isSameObject(other.#inner); }
    [Symbol.dispose]() { this.#inner[Symbol.dispose]?.(); }
  }

  const preopenList: [Descriptor, string][] = inner.preopens.getDirectories().map(([d, guest]: [Inner, string]) => {
    const root = roots.find((r) => r.guest === guest)!;
    return [new Descriptor(d, root, root.host, root.host), guest];
  });

  return {
    preopens: { getDirectories: () => preopenList },
    types: {
      Descriptor,
      DirectoryEntryStream: inner.types.DirectoryEntryStream,
      filesystemErrorCode: inner.types.filesystemErrorCode,
    },
  };
}
