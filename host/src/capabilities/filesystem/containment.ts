import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { isWithin, linksUnder, movedView, realView, walkPhysical, type FsView } from './link-walk.js';

export { isWithin } from './link-walk.js';

/** One granted directory, as the guest sees it and as it is on the host. */
export interface FsRoot {
  guest: string;
  host: string;
  /** realpath of host, computed once: symlinks are judged against it. */
  real: string;
  readOnly: boolean;
}

/** The physical path of a lexical path inside the root: every symlink in it followed. */
const physical = (root: FsRoot, host: string, view: FsView = realView): string | undefined =>
  walkPhysical(root.real, relative(root.host, host), view);

export type Resolution = { ok: true; host: string } | { ok: false; reason: string; guest: string };

/**
 * Resolves a guest path relative to a descriptor's host directory and proves it stays
 * inside the root: no absolute paths, no `..` above the root, no symlink (in any
 * component, and in the last one when the operation follows it) leading outside,
 * dangling links and `..` after a link judged as the kernel would follow them.
 */
export function resolveInRoot(root: FsRoot, dirHost: string, path: string, followLast: boolean): Resolution {
  const guestOf = (host: string) => join(root.guest, relative(root.host, host));
  if (isAbsolute(path)) return { ok: false, reason: 'absolute paths are not allowed', guest: path };
  const host = resolve(dirHost, path);
  if (!isWithin(root.host, host)) return { ok: false, reason: 'path leaves the granted directory', guest: join(guestOf(dirHost), path) };
  const escapes = { ok: false, reason: 'a symlink leads outside the granted directory', guest: guestOf(host) } as const;
  // The folder that will hold the target must really be inside (the root itself for ".").
  const parentReal = physical(root, host === root.host ? host : dirname(host));
  if (parentReal === undefined || !isWithin(root.real, parentReal)) return escapes;
  if (followLast && host !== root.host) {
    const real = walkPhysical(parentReal, basename(host));
    if (real === undefined || !isWithin(root.real, real)) return escapes;
  }
  return { ok: true, host };
}

/**
 * A symlink's target text must stay inside the root, judged from the link's folder both
 * lexically and as the kernel follows it (through the links it passes, in `view`).
 */
export function symlinkTargetInRoot(root: FsRoot, linkHost: string, target: string, view: FsView = realView): boolean {
  if (isAbsolute(target) || !isWithin(root.host, resolve(dirname(linkHost), target))) return false;
  const dir = physical(root, dirname(linkHost), view);
  const reached = dir === undefined ? undefined : walkPhysical(dir, target, view);
  return reached !== undefined && isWithin(root.real, reached);
}

/**
 * The first symlink that would point outside `toRoot` once `fromHost` (a link, or a
 * folder holding links) is renamed or linked to `toHost`; undefined when none would.
 * A rename is judged in the filesystem as it will be after it; a hard link adds a name.
 */
export function linkEscapingAfterMove(
  fromRoot: FsRoot, fromHost: string, toRoot: FsRoot, toHost: string, op: 'rename' | 'link',
): { guest: string; target: string } | undefined {
  const links = linksUnder(fromHost);
  if (links.length === 0) return undefined;
  const fromReal = physical(fromRoot, dirname(fromHost));
  const toReal = physical(toRoot, dirname(toHost));
  if (fromReal === undefined || toReal === undefined) {
    return { guest: guestPathOf(toRoot, toHost), target: '(a symlink loop)' };
  }
  const from = join(fromReal, basename(fromHost));
  const view = op === 'rename' ? movedView(from, join(toReal, basename(toHost))) : realView;
  for (const { rel, target } of links) {
    const linkHost = rel ? join(toHost, rel) : toHost;
    if (!symlinkTargetInRoot(toRoot, linkHost, target, view)) return { guest: guestPathOf(toRoot, linkHost), target };
  }
  return undefined;
}

export const guestPathOf = (root: FsRoot, host: string): string => join(root.guest, relative(root.host, host));
