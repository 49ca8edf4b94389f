import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder of dativo-host's package.json (from src/ under tsx, or from dist/). */
export const packageRoot: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'dativo-host') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the dativo-host package root');
    dir = parent;
  }
})();
