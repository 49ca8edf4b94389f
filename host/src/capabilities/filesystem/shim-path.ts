import { lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const MAX_SYMLINKS = 40;

/**
 * The host path preview2-shim 0.26 will open for `path` from a descriptor whose shim
 * base is `base` (its Descriptor#getFullPath, mirrored): `..` dropped lexically first,
 * each symlink's text then resolved lexically from the link's folder inside the base.
 * That is not how the kernel follows links (`..` after a link), so the file the shim
 * opens can differ from the one the guard's walk reaches; the guard checks this one too
 * (special files) and reads it directly. Undefined when the shim will refuse the path
 * itself. Keep in step with the shim when it is upgraded.
 */
export function shimPath(base: string, path: string, followFinal: boolean): string | undefined {
  const subpath = path.replace(/\/\/+/g, '/');
  if (subpath.startsWith('/')) return undefined;
  const trailingSlash = subpath.endsWith('/');
  const segments: string[] = [];
  for (const segment of subpath.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment !== '..') segments.push(segment);
    else if (segments.pop() === undefined) return undefined;
  }
  let baseResolved: string;
  try {
    baseResolved = realpathSync(base);
  } catch {
    return undefined;
  }
  let current = baseResolved;
  let pending = segments;
  let followed = 0;
  while (pending.length > 0) {
    const segment = pending.shift()!;
    const candidate = join(current, segment);
    let isLink: boolean;
    try {
      isLink = lstatSync(candidate).isSymbolicLink();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return join(candidate, ...pending);
      return undefined;
    }
    if (!isLink || (pending.length === 0 && !followFinal && !trailingSlash)) {
      current = candidate;
      continue;
    }
    if (++followed > MAX_SYMLINKS) return undefined;
    let target: string;
    try {
      target = readlinkSync(candidate);
    } catch {
      return undefined;
    }
    if (target.startsWith('/')) return undefined;
    const rel = relative(baseResolved, current);
    const next = rel ? rel.split(sep) : [];
    for (const t of target.split('/')) {
      if (t === '' || t === '.') continue;
      if (t !== '..') next.push(t);
      else if (next.pop() === undefined) return undefined;
    }
    pending = [...next, ...pending];
    current = baseResolved;
  }
  return current;
}
