/**
 * The transpiled component's glue (jco's ES module) as a classic script, so a worker can
 * compile it with a V8 code cache (Node 20 caches no ES module code) and so that its
 * instantiation does not throw on every JSPI feature probe.
 *
 * Why: the glue is one ~1 MB function. jco probes JSPI with
 * `try { x = WebAssembly.promising(f) } catch { x = f }` a few times per instance; without
 * JSPI each probe throws "WebAssembly.promising is not a function", and V8 re-parses the
 * whole enclosing function to print that call site: ~7 ms per probe, most of an instance's
 * start. And every fresh worker compiled the glue again (workers are never reused).
 */
import { readFileSync } from 'node:fs';
import { constants as vmConstants, Script } from 'node:vm';

/** Name of the helper the probes call instead (same result, an error without a call site to render). */
const PROMISING = '__dativoPromising';

/**
 * The glue as a script evaluating to `(importMeta) => ({ instantiate, _util })`, or
 * undefined when its shape is not the one known (jco-transpile 0.15, async instantiation):
 * the caller then imports the module as jco wrote it.
 */
export function glueScriptOf(esm: string): string | undefined {
  const lines = esm.split('\n');
  const exported: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^import\b(?!\.meta)/.test(line) || /^await\b/.test(line)) return undefined;
    if (!line.startsWith('export ')) continue;
    const m = /^export (function|const) (instantiate|_util)\b/.exec(line);
    if (!m) return undefined;
    exported.push(m[2]!);
    lines[i] = line.slice('export '.length);
  }
  if (!exported.includes('instantiate')) return undefined;
  if (esm.includes(PROMISING)) return undefined;
  const body = lines
    .join('\n')
    .replaceAll('import.meta', '__dativoImportMeta')
    .replaceAll('WebAssembly.promising(', `${PROMISING}(`);
  return [
    '(function (__dativoImportMeta) {',
    "'use strict';",
    `const ${PROMISING} = (f) => {`,
    "  if (typeof WebAssembly.promising !== 'function') throw new TypeError('WebAssembly.promising is not a function');",
    '  return WebAssembly.promising(f);',
    '};',
    body,
    `return { ${exported.join(', ')} };`,
    '})',
  ].join('\n');
}

export interface GlueExports {
  instantiate: (...args: unknown[]) => Promise<unknown>;
}

/** A glue script compiled in this thread, and whether the code cache it was given was used. */
export interface CompiledGlue {
  glue: GlueExports;
  script: Script;
  cacheRejected: boolean | undefined;
}

/** Compiles and runs the glue script in this thread, with V8 code cache bytes if any. */
export function runGlueScript(file: string, moduleUrl: string, cachedData: Uint8Array | undefined): CompiledGlue {
  const script = new Script(readFileSync(file, 'utf8'), {
    filename: moduleUrl,
    cachedData,
    // The glue's one dynamic import (node:fs, when no core modules are given) resolves as in a module.
    importModuleDynamically: vmConstants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const factory = script.runInThisContext() as (importMeta: { url: string }) => GlueExports;
  return { glue: factory(Object.freeze({ url: moduleUrl })), script, cacheRejected: cachedData ? script.cachedDataRejected : undefined };
}
