import { lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/** How the walk sees the filesystem: the real one, or the one a rename is about to make. */
export interface FsView {
  /** The link text at `p`, `null` for an entry that is not a symlink, `undefined` if absent. */
  readlink(p: string): string | null | undefined;
}

/** `p` is `root` or below it (both absolute, normalized). */
export const isWithin = (root: string, p: string): boolean => {
  const rel = relative(root, p);
  return rel === '' || (!rel.startsWith('..' + sep) && rel !== '..' && !isAbsolute(rel));
};

export const realView: FsView = {
  readlink(p) {
    try {
      return lstatSync(p).isSymbolicLink() ? readlinkSync(p) : null;
    } catch {
      return undefined;
    }
  },
};

/**
 * The filesystem as it will be once `from` is renamed to `to` (both physical paths):
 * what is under `to` is what is now under `from`, and `from` is gone.
 */
export function movedView(from: string, to: string): FsView {
  return {
    readlink(p) {
      if (isWithin(to, p)) return realView.readlink(join(from, relative(to, p)));
      if (isWithin(from, p)) return undefined;
      return realView.readlink(p);
    },
  };
}

const MAX_HOPS = 40;

/**
 * The path the kernel reaches from the physical directory `start` through `path`,
 * following every symlink (absolute ones too) as the kernel does, `..` after a link
 * included. Past the first missing component the rest is taken lexically. Undefined
 * for a symlink loop.
 */
export function walkPhysical(start: string, path: string, view: FsView = realView): string | undefined {
  let current = start;
  let pending = path.split('/');
  let hops = 0;
  while (pending.length > 0) {
    const segment = pending.shift()!;
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      current = dirname(current);
      continue;
    }
    const candidate = join(current, segment);
    const link = view.readlink(candidate);
    if (link === undefined) return resolve(candidate, ...pending);
    if (link === null) {
      current = candidate;
      continue;
    }
    if (++hops > MAX_HOPS) return undefined;
    if (isAbsolute(link)) current = '/';
    pending = [...link.split('/'), ...pending];
  }
  return current;
}

/**
 * Every symlink at or under `p` (not descending into linked directories), as paths
 * relative to `p` ('' for `p` itself), with their text.
 */
export function linksUnder(p: string): { rel: string; target: string }[] {
  const found: { rel: string; target: string }[] = [];
  const visit = (abs: string, rel: string): void => {
    let st;
    try {
      st = lstatSync(abs);
    } catch {
      return;
    }
    if (st.isSymbolicLink()) found.push({ rel, target: readlinkSync(abs) });
    else if (st.isDirectory()) {
      for (const name of readdirSync(abs)) visit(join(abs, name), rel ? join(rel, name) : name);
    }
  };
  visit(p, '');
  return found;
}
