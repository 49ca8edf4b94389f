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

/** True when the host runs from its TypeScript sources (vitest, tsx) rather than from dist/. */
export const fromSources = import.meta.url.endsWith('.ts');

/**
 * A file of the host by its path under host/src (or dist/): "runtime/worker-main.js",
 * "contracts/schema.json". Found from the package root, not from the caller's URL, so
 * that it resolves the same from dist/, from the CLI bundle (dist/cli.bundle.mjs) and
 * from the sources; ".js" means the module, .ts when running from the sources.
 */
export function hostFile(path: string): string {
  if (fromSources) return join(packageRoot, 'host', 'src', path.replace(/\.js$/, '.ts'));
  return join(packageRoot, 'dist', path);
}
