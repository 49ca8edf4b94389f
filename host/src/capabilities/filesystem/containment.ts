import { lstatSync, realpathSync } from 'node:fs';
import { dirname, basename, isAbsolute, join, relative, resolve, sep } from 'node:path';

/** One granted directory, as the guest sees it and as it is on the host. */
export interface FsRoot {
  guest: string;
  host: string;
  /** realpath of host, computed once: symlinks are judged against it. */
  real: string;
  readOnly: boolean;
}

export const isWithin = (root: string, p: string): boolean => {
  const rel = relative(root, p);
  return rel === '' || (!rel.startsWith('..' + sep) && rel !== '..' && !isAbsolute(rel));
};

/** realpath of the longest existing prefix of `p`, with the missing rest appended. */
function realpathOfExisting(p: string): string {
  let head = p;
  const rest: string[] = [];
  for (;;) {
    try {
      return join(realpathSync(head), ...rest.reverse());
    } catch {
      const parent = dirname(head);
      if (parent === head) return p;
      rest.push(basename(head));
      head = parent;
    }
  }
}

const isSymlink = (p: string): boolean => {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
};

export type Resolution = { ok: true; host: string } | { ok: false; reason: string; guest: string };

/**
 * Resolves a guest path relative to a descriptor's host directory and proves it stays
 * inside the root: no absolute paths, no `..` above the root, no symlink (in any
 * component, and in the last one when the operation follows it) leading outside.
 */
export function resolveInRoot(root: FsRoot, dirHost: string, path: string, followLast: boolean): Resolution {
  const guestOf = (host: string) => join(root.guest, relative(root.host, host));
  if (isAbsolute(path)) return { ok: false, reason: 'absolute paths are not allowed', guest: path };
  const host = resolve(dirHost, path);
  if (!isWithin(root.host, host)) return { ok: false, reason: 'path leaves the granted directory', guest: join(guestOf(dirHost), path) };
  // The folder that will hold the target must really be inside (the root itself for ".").
  const parentReal = realpathOfExisting(host === root.host ? host : dirname(host));
  if (!isWithin(root.real, parentReal)) return { ok: false, reason: 'a symlink leads outside the granted directory', guest: guestOf(host) };
  if (followLast && isSymlink(host)) {
    const real = realpathOfExisting(host);
    if (!isWithin(root.real, real)) return { ok: false, reason: 'a symlink leads outside the granted directory', guest: guestOf(host) };
  }
  return { ok: true, host };
}

/** A symlink's target text must stay inside the root too, judged from the link's folder. */
export function symlinkTargetInRoot(root: FsRoot, linkHost: string, target: string): boolean {
  if (isAbsolute(target)) return false;
  const resolved = resolve(dirname(linkHost), target);
  return isWithin(root.host, resolved) && isWithin(root.real, realpathOfExisting(resolved));
}

export const guestPathOf = (root: FsRoot, host: string): string => join(root.guest, relative(root.host, host));
