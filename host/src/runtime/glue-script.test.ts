import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { glueScriptOf, runGlueScript } from './glue-script.js';

/* A glue module shaped as jco-transpile 0.15 writes it (async instantiation). */
const glue = `"use components";
export function instantiate(getCoreModule, imports, instantiateCore = WebAssembly.instantiate) {
  const url = import.meta.url;
  let probe;
  try {
    probe = WebAssembly.promising(imports.f);
  } catch(err) {
    probe = imports.f;
  }
  async function later() {
    await null;
    return { url, probe: probe === imports.f ? 'fallback' : 'jspi', strict: this === undefined };
  }
  return later();
}

export const _util = {
  
}
`;

const dir = mkdtempSync(join(tmpdir(), 'dativo-glue-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const scriptFile = (text: string) => {
  const file = join(dir, `${Math.random().toString(36).slice(2)}.js`);
  writeFileSync(file, text);
  return file;
};

describe('glueScriptOf', () => {
  it('runs the glue as a script with the module behaviour: strict, import.meta.url, exports', async () => {
    const file = scriptFile(glueScriptOf(glue)!);
    const { glue: exports, cacheRejected } = runGlueScript(file, 'file:///cache/component.mjs', undefined);
    expect(cacheRejected).toBeUndefined();
    expect(Object.keys(exports).sort()).toEqual(['_util', 'instantiate']);
    const f = () => 1;
    expect(await exports.instantiate(undefined, { f })).toEqual({ url: 'file:///cache/component.mjs', probe: 'fallback', strict: true });
  });

  it('probes JSPI through a helper that fails the same way without it', () => {
    const script = glueScriptOf(glue)!;
    expect(script).not.toContain('WebAssembly.promising(imports.f)');
    expect(script).toContain("if (typeof WebAssembly.promising !== 'function') throw new TypeError");
  });

  it('leaves glue of another shape to be imported as a module', () => {
    expect(glueScriptOf(`import x from './x.js';\n${glue}`)).toBeUndefined();
    expect(glueScriptOf(`${glue}\nexport default 1;`)).toBeUndefined();
    expect(glueScriptOf(`${glue}\nawait null;`)).toBeUndefined();
    expect(glueScriptOf('export const _util = {};')).toBeUndefined();
  });
});

describe('runGlueScript', () => {
  it('makes a code cache that a fresh thread accepts', async () => {
    const file = scriptFile(glueScriptOf(glue)!);
    const first = runGlueScript(file, 'file:///c.mjs', undefined);
    await first.glue.instantiate(undefined, { f: () => 1 }); // compiles the inner functions too
    const cachedData = first.script.createCachedData();
    // V8 consumes a code cache only where the source was not compiled already: another isolate.
    const worker = new Worker(
      `const { Script, constants } = require('node:vm');
       const { readFileSync } = require('node:fs');
       const { workerData, parentPort } = require('node:worker_threads');
       const s = new Script(readFileSync(workerData.file, 'utf8'), { filename: 'file:///c.mjs', cachedData: workerData.cachedData, importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER });
       parentPort.postMessage(s.cachedDataRejected);`,
      { eval: true, workerData: { file, cachedData } },
    );
    const [rejected] = (await once(worker, 'message')) as [boolean];
    await worker.terminate();
    expect(rejected).toBe(false);
  });

  it('runs the glue anyway when V8 rejects its cache', async () => {
    const file = scriptFile(`${glueScriptOf(glue)!}\n// another source than the other tests'`);
    const garbage = runGlueScript(file, 'file:///c.mjs', new Uint8Array(64).fill(7));
    expect(garbage.cacheRejected).toBe(true);
    expect(await garbage.glue.instantiate(undefined, { f: () => 1 })).toMatchObject({ probe: 'fallback' });
  });
});
