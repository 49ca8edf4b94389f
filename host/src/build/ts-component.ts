/**
 * Builds a TypeScript (or JavaScript) plugin into a WebAssembly component:
 * esbuild bundles the entry into one ES module, then componentize-js embeds it in
 * its SpiderMonkey engine against the plugin contract's WIT.
 *
 * componentize-js runs in a separate Node process (see COMPONENTIZE_CHILD): it needs
 * preview2-shim's process-global preopens set to the whole host filesystem, and it
 * runs wizer with spawnSync for seconds. Neither may happen in the host process,
 * which also runs plugins.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

import type { Plugin } from 'esbuild';
import { packageRoot } from '../package-root.js';
import { isRecordedBuild, recordBuild } from './build-record.js';

export interface BuildTsComponentOptions {
  /** The plugin's entry module (.ts or .js). */
  entry: string;
  /** Where the component (.wasm) goes. */
  outFile: string;
  /** The WIT directory of the contract (a package, possibly with deps/). */
  witDir: string;
  /** The world the plugin targets (for example "reader"). */
  world: string;
  log?: (line: string) => void;
  /**
   * Rewrites the specifier of each `dativo:*` / `wasi:*` import before it reaches
   * componentize-js, which resolves imports only by their exact versioned name
   * (for example "dativo:plugin/log@0.1.0"). Used to build one source against
   * another contract version.
   */
  rewriteImport?: (specifier: string) => string;
  /**
   * The manifest's grants: engine features a grant does not cover are left out of the
   * component (see disabledFeatures), and a writer granted a folder is built against the
   * world that imports wasi:filesystem (see worldFor). Without them, only fetch-event is
   * left out and the world is used as given.
   */
  capabilities?: TsCapabilities;
}

/** The manifest grants a TypeScript build looks at. */
export interface TsCapabilities {
  http: string[];
  filesystem?: readonly unknown[];
}

export interface BuildTsComponentResult {
  outFile: string;
  /** False when the cached component was up to date. */
  built: boolean;
}

/**
 * WASI features of the engine that are left out, so that the component's imports say
 * what the plugin may use. `fetch-event` would make the component export
 * wasi:http/incoming-handler (a server), which no plugin is: always out. `http` (the
 * fetch() global, wasi:http/outgoing-handler and types) is out unless the manifest grants
 * an HTTP origin. stdio, clocks and random stay: no manifest grant covers them, the host
 * gives them to every instance (stdout and stderr to the log, inside the output budget),
 * and left out they do not refuse but break quietly. Measured with componentize-js 0.23:
 * without `clocks`, `Date.now()` returns the build's time (wizer's snapshot) in every run
 * and `setTimeout` (the SDK's HTTP retry wait) traps; without `random`, `Math.random()`
 * and `crypto.getRandomValues` return the same numbers in every run; without `stdio`,
 * `console.*` output vanishes. `stdio` is also what imports wasi:filesystem into a
 * component whose world does not: the sandbox refuses every call of it when the manifest
 * grants no folder (`plugin review` reports the unused import).
 */
export function disabledFeatures(capabilities?: TsCapabilities): string[] {
  const out = ['fetch-event'];
  if (capabilities && capabilities.http.length === 0) out.push('http');
  return out;
}

/**
 * The world a TypeScript plugin builds against: a writer granted a folder gets
 * `file-writer-plugin` (the writer world plus wasi:filesystem, which JavaScript can only
 * import when its world does); every other plugin the world it asked for.
 */
export function worldFor(world: string, capabilities?: TsCapabilities): string {
  if (world === 'writer-plugin' && (capabilities?.filesystem?.length ?? 0) > 0) return 'file-writer-plugin';
  return world;
}

const COMPONENTIZE_PKG = '@bytecodealliance/componentize-js';
const SHIM_FILESYSTEM = '@bytecodealliance/preview2-shim/filesystem';

export async function buildTsComponent(opts: BuildTsComponentOptions): Promise<BuildTsComponentResult> {
  const log = opts.log ?? (() => {});
  const entry = resolve(opts.entry);
  const outFile = resolve(opts.outFile);
  const witDir = resolve(opts.witDir);
  const world = worldFor(opts.world, opts.capabilities);

  const js = await bundle(entry, opts.rewriteImport);
  const componentizeDir = findPackageDir(COMPONENTIZE_PKG);
  const componentizeVersion = (
    JSON.parse(await readFile(join(componentizeDir, 'package.json'), 'utf8')) as { version: string }
  ).version;

  const hash = createHash('sha256');
  hash.update(`js\0${js}\0`);
  for (const file of await listFiles(witDir)) {
    if (!file.endsWith('.wit')) continue;
    hash.update(`wit\0${relative(witDir, file).split(sep).join('/')}\0`);
    hash.update(await readFile(file));
    hash.update('\0');
  }
  hash.update(`componentize-js\0${componentizeVersion}\0`);
  const disabled = disabledFeatures(opts.capabilities);
  hash.update(`world\0${world}\0features\0${disabled.join(',')}\0`);
  const digest = hash.digest('hex');

  // Skipped only when this host recorded building outFile from these sources (build-record.ts).
  if (isRecordedBuild(outFile, digest)) {
    log(`ts-component: ${outFile} is up to date`);
    return { outFile, built: false };
  }

  const work = await mkdtemp(join(tmpdir(), 'dativo-ts-component-'));
  try {
    const sourcePath = join(work, 'plugin.js');
    const componentPath = join(work, 'component.wasm');
    await writeFile(sourcePath, js);
    log(`ts-component: componentize ${entry} (world ${world}, componentize-js ${componentizeVersion})`);
    const started = Date.now();
    await runComponentize(
      {
        componentizeUrl: pathToFileURL(join(componentizeDir, 'src', 'componentize.js')).href,
        filesystemUrl: shimFilesystemUrl(componentizeDir),
        sourcePath,
        witPath: witDir,
        worldName: world,
        disableFeatures: disabled,
        outPath: componentPath,
      },
      log,
    );
    await mkdir(dirname(outFile), { recursive: true });
    const tmpOut = `${outFile}.${process.pid}.tmp`;
    await writeFile(tmpOut, await readFile(componentPath));
    await rename(tmpOut, outFile);
    recordBuild(outFile, digest);
    log(`ts-component: wrote ${outFile} in ${Date.now() - started} ms`);
    return { outFile, built: true };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Bundles the entry into one ES module; contract and WASI imports stay imports. */
async function bundle(entry: string, rewriteImport?: (specifier: string) => string): Promise<string> {
  const { build } = await import('esbuild');
  const externals: Plugin = {
    name: 'dativo-component-imports',
    setup(b) {
      b.onResolve({ filter: /^(dativo|wasi):/ }, (args) => ({
        path: rewriteImport ? rewriteImport(args.path) : args.path,
        external: true,
      }));
    },
  };
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    plugins: [externals],
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error(`esbuild produced no output for ${entry}`);
  return file.text;
}

interface ComponentizeJob {
  componentizeUrl: string;
  filesystemUrl: string;
  sourcePath: string;
  witPath: string;
  worldName: string;
  disableFeatures: string[];
  outPath: string;
}

/**
 * The componentize step, run by a fresh `node` (not a worker thread: componentize-js
 * hands process.stdout to spawnSync, which needs a real file descriptor).
 *
 * `_setPreopens({'/': '/'})` is the reason this is a separate process: the
 * componentize-js toolchain (its splicer and jco's componentNew are themselves
 * transpiled components) reads the WIT and the engine through preview2-shim's
 * filesystem, which starts with no preopens. Those preopens are process-global and
 * are the default of every WASIShim created without sandbox.preopens, so setting
 * them in the host process would hand the whole filesystem to plugins. Here they
 * only exist in this short-lived build process.
 */
const COMPONENTIZE_CHILD = `
const job = JSON.parse(process.argv[1]);
const { writeFile } = await import('node:fs/promises');
let reply;
try {
  const { _setPreopens } = await import(job.filesystemUrl);
  _setPreopens({ '/': '/' });
  const { componentize } = await import(job.componentizeUrl);
  const { component } = await componentize({
    sourcePath: job.sourcePath,
    witPath: job.witPath,
    worldName: job.worldName,
    disableFeatures: job.disableFeatures,
  });
  await writeFile(job.outPath, component);
  reply = { ok: true };
} catch (e) {
  reply = { ok: false, message: e instanceof Error ? e.message : String(e) };
}
process.send(reply, () => process.exit(0));
`;

async function runComponentize(job: ComponentizeJob, log: (line: string) => void): Promise<void> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', COMPONENTIZE_CHILD, JSON.stringify(job)], {
    cwd: dirname(job.sourcePath),
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  const output: string[] = [];
  const forward = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      output.push(line);
      log(`componentize: ${line}`);
    }
  };
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);

  let reply: { ok: boolean; message?: string } | undefined;
  child.on('message', (m) => {
    reply = m as { ok: boolean; message?: string };
  });
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((done, fail) => {
    child.on('error', fail);
    child.on('exit', (c, s) => done([c, s]));
  });
  if (reply?.ok) return;
  if (reply) throw new Error(reply.message ?? 'componentize failed');
  throw new Error(
    `componentize process ended (${signal ?? `exit code ${code}`}) without a result` +
      (output.length > 0 ? `:\n${output.slice(-20).join('\n')}` : ''),
  );
}

/**
 * preview2-shim's filesystem module, whose process-global preopens the componentize child
 * sets: the copy componentize-js's own toolchain imports (resolved from its lib/), else
 * this package's dependency (resolved from the package root, which npm always makes
 * reachable, wherever it puts componentize-js).
 */
function shimFilesystemUrl(componentizeDir: string): string {
  for (const from of [join(componentizeDir, 'lib', 'index.js'), join(packageRoot, 'package.json')]) {
    try {
      return pathToFileURL(createRequire(from).resolve(SHIM_FILESYSTEM)).href;
    } catch {
      // not reachable from there: try the next base
    }
  }
  throw new Error(`${SHIM_FILESYSTEM} is not installed (it is needed to build TypeScript plugins)`);
}

/** The directory of an installed package, found like Node's resolver would from here. */
function findPackageDir(name: string): string {
  const require = createRequire(import.meta.url);
  for (const base of require.resolve.paths(name) ?? []) {
    const dir = join(base, name);
    if (existsSync(join(dir, 'package.json'))) return dir;
  }
  throw new Error(`${name} is not installed (it is needed to build TypeScript plugins)`);
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}
