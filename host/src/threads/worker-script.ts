import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { fromSources, hostFile } from '../package-root.js';

/**
 * How to start a worker thread on one of the host's own modules (a path for hostFile).
 * From dist/ the worker imports the compiled .js; from the sources it first registers
 * tsx's loader (its `--import tsx` hook does not reach workers; its API does), then
 * imports the .ts.
 */
export function workerScript(module: string): { file: string | URL; eval: boolean } {
  const url = pathToFileURL(hostFile(module));
  if (!fromSources) return { file: url, eval: false };
  const tsxApi = pathToFileURL(createRequire(import.meta.url).resolve('tsx/package.json').replace(/package\.json$/, 'dist/esm/api/index.mjs')).href;
  return { file: `import(${JSON.stringify(tsxApi)}).then((m) => m.register()).then(() => import(${JSON.stringify(url.href)}));`, eval: true };
}
