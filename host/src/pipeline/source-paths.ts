import { readdirSync } from 'node:fs';
import { basename, dirname, join, posix } from 'node:path';

/**
 * A guest path a plugin reported (a file under a mount) as the user's host path, given
 * the mounts the plugin was bound to; the guest path itself when no mount holds it.
 */
export function hostPathOf(guest: string, bindings: Record<string, string>): string {
  const mounts = Object.keys(bindings).sort((a, b) => b.length - a.length);
  for (const mount of mounts) {
    const rel = posix.relative(mount, posix.normalize(guest));
    if (rel === '' || (!rel.startsWith('..') && !posix.isAbsolute(rel))) return join(bindings[mount]!, rel);
  }
  return guest;
}

/** The files a stream's patterns name now (`*` in the last component), sorted per pattern. */
export function matchFiles(patterns: string[]): string[] {
  const out: string[] = [];
  for (const p of patterns) {
    const name = basename(p);
    if (!name.includes('*')) {
      if (!out.includes(p)) out.push(p);
      continue;
    }
    const re = new RegExp(`^${name.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
    let names: string[] = [];
    try {
      names = readdirSync(dirname(p), { withFileTypes: true }).filter((e) => e.isFile() && re.test(e.name)).map((e) => e.name).sort();
    } catch {
      /* a missing folder matches nothing */
    }
    for (const n of names) if (!out.includes(join(dirname(p), n))) out.push(join(dirname(p), n));
  }
  return out;
}
