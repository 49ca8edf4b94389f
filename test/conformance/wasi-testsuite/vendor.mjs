// Re-vendors the WASI preview1 programs of WebAssembly/wasi-testsuite from a local git
// clone: node vendor.mjs <clone> [ref]. Copies each program's .wasm (custom sections
// other than producers/target_features dropped: DWARF is 95% of the bytes, no code
// changes), its .json spec and the fs-tests.dir folders they name.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [clone, ref = 'prod/testsuite-base'] = process.argv.slice(2);
if (!clone) throw new Error('usage: node vendor.mjs <wasi-testsuite clone> [ref]');
const here = dirname(fileURLToPath(import.meta.url));
const git = (...a) => execFileSync('git', ['-C', clone, ...a], { maxBuffer: 1 << 28 });
const KEEP = new Set(['producers', 'target_features']);

/** The module without its custom sections, except those in KEEP. */
function strip(b) {
  const parts = [b.subarray(0, 8)];
  let p = 8;
  const leb = () => {
    let r = 0, s = 0, x;
    do { x = b[p++]; r |= (x & 0x7f) << s; s += 7; } while (x & 0x80);
    return r >>> 0;
  };
  while (p < b.length) {
    const at = p;
    const id = b[p++];
    const len = leb();
    const end = p + len;
    const name = id === 0 ? b.subarray(p + 1, p + 1 + b[p]).toString() : undefined;
    if (id !== 0 || KEEP.has(name)) parts.push(b.subarray(at, end));
    p = end;
  }
  return Buffer.concat(parts);
}

const commit = git('rev-parse', ref).toString().trim();
for (const lang of ['assemblyscript', 'c', 'rust']) {
  const from = `tests/${lang}/testsuite/wasm32-wasip1/`;
  rmSync(join(here, lang), { recursive: true, force: true });
  const files = git('ls-tree', '-r', '--name-only', commit, from).toString().split('\n').filter(Boolean);
  for (const f of files) {
    const rel = f.slice(from.length);
    if (rel === 'manifest.json') continue;
    const out = join(here, lang, rel);
    mkdirSync(dirname(out), { recursive: true });
    const bytes = git('show', `${commit}:${f}`);
    writeFileSync(out, rel.endsWith('.wasm') ? strip(bytes) : bytes);
  }
}
writeFileSync(join(here, 'LICENSE'), git('show', `${commit}:LICENSE`));
console.log(`vendored ${commit}`);
