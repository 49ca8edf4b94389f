import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Mount } from '../errors/guest-paths.js';

/** A plugin's bindings (guest path -> host folder) as the mounts toHostPaths rewrites. */
export const mountsOf = (bindings: Record<string, string>): Mount[] => Object.entries(bindings).map(([guest, host]) => ({ guest, host }));

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
