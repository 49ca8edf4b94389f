/**
 * `source.engine_config` of a job whose source runs on a subprocess engine (singer,
 * airbyte): which command, which variables, which limits. Every default is here.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { defaultCacheDir } from '../files/cache-dir.js';
import type { ProcessLimits } from './subprocess.js';

export type EngineName = 'singer' | 'airbyte';
export const ENGINES: readonly EngineName[] = ['singer', 'airbyte'];

export const engineConfigSchema = z
  .object({
    /** The connector's argv (a string: one executable). Relative paths: from the job's folder. */
    command: z.union([z.string().min(1), z.array(z.string()).min(1)]).optional(),
    /** A PyPI package installed by `dativo-host engines install ENGINE PACKAGE` (e.g. tap-jsonl). */
    package: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/).optional(),
    /** The executable inside the package's venv (default: the package name). */
    executable: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/).optional(),
    /** The only environment variables the connector sees (besides HOME and TMPDIR, its own folder, and LANG=C.UTF-8). */
    env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string()).default({}),
    /** Host variables passed through by name (a missing one is left out). */
    pass_env: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/)).default([]),
    /** Config key -> secret name: resolved from the job's secret manager into the config file only. */
    secrets: z.record(z.string(), z.string()).default({}),
    /**
     * A JSON file holding the connector's config (merged under source.config). An Airbyte
     * CONTROL message's updated config is written back to it; without it, it is reported.
     */
    config_file: z.string().optional(),
    /**
     * The connector's catalog as its discover printed it (a JSON file: Singer `--discover`
     * output, or an Airbyte CATALOG message's `catalog`): used instead of starting the
     * connector to discover. Without it, each reader discovers once (check and read share it).
     */
    catalog: z.string().optional(),
    /** Wall clock of one connector call, ms (default 6 h). */
    timeout_ms: z.number().int().positive().default(6 * 3600_000),
    /** No stdout line for this long kills the connector, ms (default 10 min). */
    idle_timeout_ms: z.number().int().positive().default(600_000),
    /** RLIMIT_CPU, seconds (default 6 h). */
    cpu_seconds: z.number().int().positive().default(6 * 3600),
    /** RLIMIT_AS, MiB (default 4096: Python with threads reserves much address space). */
    memory_mb: z.number().int().min(64).default(4096),
    /** A longer stdout line fails the run (default 16 MiB). */
    max_line_bytes: z.number().int().positive().default(16 * 2 ** 20),
    /** Records per batch handed to the pipeline (default 10,000). */
    batch_rows: z.number().int().positive().default(10_000),
  })
  .strict();

export type EngineConfigInput = z.input<typeof engineConfigSchema>;
export type EngineConfig = z.output<typeof engineConfigSchema>;

/** An engine source, resolved at planning: what runs, and how it is contained. */
export interface EngineSource {
  engine: EngineName;
  /** Names the connector in logs and errors: "singer:tap-jsonl". */
  name: string;
  argv: string[];
  config: EngineConfig;
  /** Absolute path of config_file, when set. */
  configFile?: string;
  /** Absolute path of catalog, when set. */
  catalogFile?: string;
  limits: ProcessLimits;
}

/** The venv `engines install ENGINE PACKAGE` makes: <cache>/venvs/<engine>/<package>. */
export const venvOf = (engine: EngineName, pkg: string, cacheDir = defaultCacheDir()): string => join(cacheDir, 'venvs', engine, pkg);

/** Resolves engine_config against the job's folder; `fail` names the job key of a problem. */
export function resolveEngineSource(engine: EngineName, raw: unknown, jobDir: string, fail: (key: string, message: string, code?: string) => never): EngineSource {
  const parsed = engineConfigSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    fail(['source.engine_config', ...issue.path].join('.'), issue.message);
  }
  const config = parsed.data!;
  let argv: string[];
  if (config.command !== undefined) {
    if (config.package !== undefined) fail('source.engine_config', 'set command or package, not both');
    argv = [config.command].flat();
    const exe = argv[0]!;
    if (exe.includes('/') && !isAbsolute(exe)) argv[0] = resolve(jobDir, exe);
    if (!isAbsolute(argv[0]!)) fail('source.engine_config.command', `"${exe}" must be a path: the connector gets no PATH (set env.PATH to use one)`);
  } else if (config.package !== undefined) {
    const venv = venvOf(engine, config.package);
    argv = [join(venv, 'bin', config.executable ?? config.package)];
    if (!existsSync(argv[0]!)) {
      fail('source.engine_config.package', `${argv[0]} does not exist: install it with \`dativo-host engines install ${engine} ${config.package}\``, 'ENGINE_NOT_INSTALLED');
    }
  } else {
    return fail('source.engine_config', `a ${engine} source needs engine_config.command or engine_config.package`);
  }
  const name = `${engine}:${config.package ?? argv[argv.length === 1 ? 0 : 1]!.split('/').pop()}`;
  const configFile = config.config_file === undefined ? undefined : resolve(jobDir, config.config_file);
  if (configFile && !existsSync(configFile)) fail('source.engine_config.config_file', `${configFile} does not exist`);
  const catalogFile = config.catalog === undefined ? undefined : resolve(jobDir, config.catalog);
  if (catalogFile && !existsSync(catalogFile)) fail('source.engine_config.catalog', `${catalogFile} does not exist`);
  const limits: ProcessLimits = {
    wallClockMs: config.timeout_ms,
    idleTimeoutMs: config.idle_timeout_ms,
    cpuSeconds: config.cpu_seconds,
    memoryMb: config.memory_mb,
    maxLineBytes: config.max_line_bytes,
  };
  return { engine, name, argv, config, configFile, catalogFile, limits };
}
