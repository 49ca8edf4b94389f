/**
 * Runs the vendored WebAssembly/wasi-testsuite preview1 programs through
 * `dativo-host exec`, as the upstream runner (test-runner/wasi_test_runner) runs them
 * through a runtime: its legacy spec (args, env, root, exit_code, stdout, stderr) becomes
 * the command line, the root folder is granted read-write at guest `/` (as the upstream
 * wasmtime adapter passes `--dir root::/`), stdout and stderr must start with what the
 * spec names, and the exit code must be the spec's (0 by default).
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { REPO, tempDir } from '../helpers/fixtures.js';

export const SUITE = join(REPO, 'test', 'conformance', 'wasi-testsuite');
const LANGS = ['assemblyscript', 'c', 'rust'] as const;

export interface Spec {
  args?: string[];
  env?: Record<string, string>;
  root?: string;
  exit_code?: number;
  stdout?: string;
  stderr?: string;
}

export interface Case {
  /** lang/name, e.g. rust/path_link */
  id: string;
  lang: (typeof LANGS)[number];
  module: string;
  spec: Spec;
}

export interface Outcome {
  pass: boolean;
  /** Why it failed (what differed), or '' when it passed. */
  why: string;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Every vendored program with its spec (a program without a .json expects exit 0). */
export function suiteCases(): Case[] {
  return LANGS.flatMap((lang) => {
    const dir = join(SUITE, lang);
    return readdirSync(dir).filter((f) => f.endsWith('.wasm')).sort().map((f) => {
      const name = f.slice(0, -'.wasm'.length);
      const json = join(dir, `${name}.json`);
      const spec = existsSync(json) ? (JSON.parse(readFileSync(json, 'utf8')) as Spec) : {};
      return { id: `${lang}/${name}`, lang, module: join(dir, f), spec };
    });
  });
}

/** Wraps each core module with jco's preview1 command adapter, as `jco new --wasi-command`. */
export async function componentize(cases: Case[], outDir: string): Promise<Map<string, string>> {
  const { componentNew } = await import('@bytecodealliance/jco-transpile/wasm-tools');
  const jcoMain = createRequire(import.meta.url).resolve('@bytecodealliance/jco');
  const adapter = readFileSync(join(jcoMain, '..', '..', 'lib', 'wasi_snapshot_preview1.command.wasm'));
  const out = new Map<string, string>();
  for (const c of cases) {
    const file = join(outDir, `${c.id.replace('/', '--')}.wasm`);
    mkdirSync(outDir, { recursive: true });
    writeFileSync(file, await componentNew(readFileSync(c.module), [['wasi_snapshot_preview1', adapter]]));
    out.set(c.id, file);
  }
  return out;
}

/** The `dativo-host exec` arguments for a case; its root is copied to a fresh folder first. */
export function execArgs(c: Case, component: string): string[] {
  const argv = ['exec', component];
  if (c.spec.root) {
    const root = tempDir('dativo-wasi-testsuite-');
    cpSync(join(SUITE, c.lang, c.spec.root), root, { recursive: true });
    argv.push('--dir', `${root}::/`);
  }
  for (const [k, v] of Object.entries(c.spec.env ?? {})) argv.push('--env', `${k}=${v}`);
  return [...argv, '--', ...(c.spec.args ?? [])];
}

/** Runs one case through the built CLI (bin/dativo-host.mjs, from dist/). */
export function runCase(c: Case, component: string, cacheDir: string, timeoutMs = 60_000): Promise<Outcome> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(REPO, 'bin', 'dativo-host.mjs'), ...execArgs(c, component)], {
      cwd: REPO,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, DATIVO_CACHE_DIR: cacheDir, DATIVO_LOG_LEVEL: 'warn' },
      timeout: timeoutMs,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('close', (code) => {
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      const want = c.spec.exit_code ?? 0;
      const starts = (name: string, got: string, expected: string | undefined) =>
        expected === undefined || got.startsWith(expected) ? '' : `${name} ${JSON.stringify(got.slice(0, 200))}`;
      const why = [
        code !== want ? `exit code ${code}, expected ${want}` : '',
        starts('stdout', stdout, c.spec.stdout),
        starts('stderr', stderr, c.spec.stderr),
      ].filter(Boolean).join('; ');
      done({ pass: why === '', why, code, stdout, stderr });
    });
  });
}

/** Runs every case, `parallel` at a time. */
export async function runSuite(
  cases: Case[], components: Map<string, string>, cacheDir: string, parallel = 2,
): Promise<Map<string, Outcome>> {
  const results = new Map<string, Outcome>();
  const queue = [...cases];
  const worker = async () => {
    for (let c = queue.shift(); c; c = queue.shift()) {
      results.set(c.id, await runCase(c, components.get(c.id)!, cacheDir));
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return results;
}
