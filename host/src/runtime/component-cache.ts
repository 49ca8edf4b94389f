import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../errors/index.js';
import { defaultCacheDir } from '../files/cache-dir.js';
import { glueScriptOf } from './glue-script.js';
import { capModuleMemory, MemoryLimitError } from './memory-limit.js';
import { PluginError } from '../errors/index.js';

/** A component transpiled by jco, cached on disk under its sha256. */
export interface PreparedComponent {
  digest: string;
  dir: string;
  entryUrl: string;
  /** Interface specifiers the component imports (what a reviewer must approve). */
  imports: string[];
  /** Names the component exports, e.g. dativo:plugin/reader@0.1.0 or wasi:cli/run@0.2.3. */
  exports: string[];
  coreFiles: string[];
  /** The glue as a classic script (see glue-script.ts), when its shape allows; else workers import entryUrl. */
  glueScript?: string;
}

interface CacheIndex {
  imports: string[];
  exports: string[];
  coreFiles: string[];
  entry: string;
  /** GLUE_FORMAT when the entry was last derived; older entries are upgraded in place. */
  glueFormat?: number;
  glueScript?: string | null;
}

/** Version of what is derived from jco's output (glueScriptOf); bump when that changes. */
const GLUE_FORMAT = 1;
const GLUE_SCRIPT = 'component.glue.js';


export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/**
 * Reads a component, refuses it when its digest is not the one expected, and returns
 * its transpiled form from the cache (transpiling it the first time).
 */
export async function prepareComponent(file: string, opts: { plugin: string; expectedSha256?: string; cacheDir?: string }): Promise<PreparedComponent> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new ConfigError('PLUGIN_COMPONENT_NOT_FOUND', `component of plugin "${opts.plugin}" cannot be read: ${file}: ${(e as Error).message}`, { details: { file } });
  }
  const digest = sha256(bytes);
  if (opts.expectedSha256 && opts.expectedSha256 !== digest) {
    throw new PluginError('PLUGIN_DIGEST_MISMATCH', opts.plugin, `component ${file} has sha256 ${digest}, but the manifest says ${opts.expectedSha256}: refusing to load it`, {
      details: { file, expected: opts.expectedSha256, actual: digest },
    });
  }
  const dir = join(opts.cacheDir ?? defaultCacheDir(), 'components', digest);
  const indexFile = join(dir, 'index.json');
  if (!existsSync(indexFile)) await transpileInto(bytes, dir, opts.plugin);
  let index = JSON.parse(readFileSync(indexFile, 'utf8')) as CacheIndex;
  if (index.glueFormat !== GLUE_FORMAT) index = deriveGlue(dir, index);
  return {
    digest,
    dir,
    entryUrl: pathToFileURL(join(dir, index.entry)).href,
    imports: index.imports,
    exports: index.exports,
    coreFiles: index.coreFiles,
    ...(index.glueScript ? { glueScript: join(dir, index.glueScript) } : {}),
  };
}

/** Writes a file whole or not at all (concurrent hosts write identical content). */
function writeAtomic(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.tmp-${process.pid}-${randomUUID()}`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}

/** Derives the glue script from the entry module (a new entry, or one cached by an older host). */
function deriveGlue(dir: string, index: CacheIndex): CacheIndex {
  const script = glueScriptOf(readFileSync(join(dir, index.entry), 'utf8'));
  if (script !== undefined) writeAtomic(join(dir, GLUE_SCRIPT), script);
  const upgraded: CacheIndex = { ...index, glueFormat: GLUE_FORMAT, glueScript: script === undefined ? null : GLUE_SCRIPT };
  writeAtomic(join(dir, 'index.json'), JSON.stringify(upgraded, null, 2));
  return upgraded;
}

async function transpileInto(bytes: Uint8Array, dir: string, plugin: string): Promise<void> {
  let out;
  try {
    // Loaded only on a cache miss: jco-transpile costs ~60 ms and ~50 MB of RSS to load.
    const { transpileBytes } = await import('@bytecodealliance/jco-transpile');
    out = await transpileBytes(bytes, {
      name: 'component',
      instantiation: 'async',
      emitTypescriptDeclarations: false,
      // An export's err value is thrown as it is (the worker maps plugin-error records).
      noComponentErrorWrapping: true,
    });
  } catch (e) {
    throw new PluginError('PLUGIN_INVALID_COMPONENT', plugin, `plugin "${plugin}" is not a valid WebAssembly component: ${(e as Error).message}`);
  }
  // Write to a private folder, then rename: concurrent hosts never see half a cache entry.
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  mkdirSync(tmp, { recursive: true });
  const coreFiles: string[] = [];
  let entry = '';
  for (const [name, data] of Object.entries(out.files)) {
    if (name.endsWith('.d.ts')) continue;
    const target = name.endsWith('.js') ? name.replace(/\.js$/, '.mjs') : name;
    if (name.endsWith('.wasm')) coreFiles.push(name);
    if (name.endsWith('.js') && !name.includes('/')) entry = target;
    mkdirSync(join(tmp, target, '..'), { recursive: true });
    writeFileSync(join(tmp, target), data);
  }
  const index: CacheIndex = { imports: out.imports, exports: out.exports.map(([n]) => n), coreFiles, entry };
  deriveGlue(tmp, index); // writes index.json last
  mkdirSync(join(dir, '..'), { recursive: true });
  try {
    renameSync(tmp, dir);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another process won the race: its entry is identical
  }
}

const glueCaches = new Map<string, Uint8Array | undefined>();
/** V8 code cache of the glue script, valid for one V8 version (and its flags: V8 checks them). */
const glueCacheFile = (glueScript: string) => `${glueScript}.v8-${process.versions.v8}-${process.arch}.cache`;

/**
 * The V8 code cache of a component's glue script, if a worker has made one (read once
 * per process). It is as trusted as the glue next to it: both are code this host runs.
 */
export function glueCodeCache(c: PreparedComponent): Uint8Array | undefined {
  if (!c.glueScript) return undefined;
  if (!glueCaches.has(c.glueScript)) {
    let data: Uint8Array | undefined;
    try {
      data = readFileSync(glueCacheFile(c.glueScript));
    } catch {
      data = undefined;
    }
    glueCaches.set(c.glueScript, data);
  }
  return glueCaches.get(c.glueScript);
}

/** Keeps a code cache a worker made (after its first instantiation, so it holds the functions that ran). */
export function storeGlueCodeCache(c: PreparedComponent, data: Uint8Array): void {
  if (!c.glueScript) return;
  glueCaches.set(c.glueScript, data);
  try {
    writeAtomic(glueCacheFile(c.glueScript), data);
  } catch {
    // a read-only cache: this process keeps it in memory
  }
}

const compiled = new Map<string, Promise<Record<string, WebAssembly.Module>>>();

/** Compiles the core modules once per process and memory limit; instances reuse them. */
export function compileCoreModules(c: PreparedComponent, plugin: string, memoryLimitBytes: number): Promise<Record<string, WebAssembly.Module>> {
  const key = `${c.digest}:${memoryLimitBytes}`;
  let p = compiled.get(key);
  if (!p) {
    p = (async () => {
      const modules: Record<string, WebAssembly.Module> = {};
      for (const name of c.coreFiles) {
        let bytes: Uint8Array = readFileSync(join(c.dir, name));
        try {
          bytes = capModuleMemory(bytes, memoryLimitBytes);
        } catch (e) {
          if (e instanceof MemoryLimitError) {
            throw new PluginError('PLUGIN_MEMORY_LIMIT', plugin, `plugin "${plugin}" cannot run within its memory limit: ${e.message}`);
          }
          throw e;
        }
        modules[name] = await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
      }
      return modules;
    })();
    p.catch(() => compiled.delete(key));
    compiled.set(key, p);
  }
  return p;
}
