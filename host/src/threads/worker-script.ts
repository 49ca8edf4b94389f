import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/**
 * How to start a worker thread on one of the host's own modules. From dist/ the
 * module is the compiled .js; when the sources run as TypeScript (vitest, tsx) the
 * worker first registers tsx's loader (its `--import tsx` hook does not reach
 * workers; its API does), then imports the .ts.
 */
export function workerScript(module: URL): { file: string | URL; eval: boolean } {
  if (!module.pathname.endsWith('.ts')) return { file: module, eval: false };
  const tsxApi = pathToFileURL(createRequire(import.meta.url).resolve('tsx/package.json').replace(/package\.json$/, 'dist/esm/api/index.mjs')).href;
  return { file: `import(${JSON.stringify(tsxApi)}).then((m) => m.register()).then(() => import(${JSON.stringify(module.href)}));`, eval: true };
}

/** The sibling module `name` (without extension) of `importMetaUrl`, .ts or .js as the caller is. */
export const siblingModule = (importMetaUrl: string, name: string): URL =>
  new URL(`./${name}${importMetaUrl.endsWith('.ts') ? '.ts' : '.js'}`, importMetaUrl);
