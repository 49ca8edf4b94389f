// Regenerates plugins-ts/sdk/generated/ (the guest-side .d.ts of the contract) from wit/
// with jco-transpile's generateGuestTypes:  node plugins-ts/sdk/scripts/generate-types.mjs
//
// generateGuestTypes reads the WIT through preview2-shim's filesystem, which starts with
// no preopens; this short-lived build script grants it the whole filesystem (never done in
// the host process, which runs plugins).
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const witDir = resolve(here, '../../../wit');
const outDir = resolve(here, '../generated');

const { _setPreopens } = await import('@bytecodealliance/preview2-shim/filesystem');
_setPreopens({ '/': '/' });
const { generateGuestTypes } = await import('@bytecodealliance/jco-transpile');

await rm(outDir, { recursive: true, force: true });
for (const worldName of ['reader-plugin', 'writer-plugin', 'file-writer-plugin']) {
  const files = await generateGuestTypes(witDir, { worldName, guest: true });
  for (const [name, bytes] of Object.entries(files)) {
    const path = join(outDir, name);
    await mkdir(dirname(path), { recursive: true });
    const header = `// Generated from wit/ by plugins-ts/sdk/scripts/generate-types.mjs (jco-transpile generateGuestTypes). Do not edit.\n`;
    await writeFile(path, header + new TextDecoder().decode(bytes));
  }
}
console.log(`wrote ${outDir}`);
