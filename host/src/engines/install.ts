/**
 * `dativo-host engines install ENGINE PACKAGE[==VERSION]`: a PyPI connector in its own
 * virtualenv under the cache folder (<cache>/venvs/<engine>/<package>), the layout
 * engine_config.package names and .ci/install-engines.sh makes. A venv whose marker
 * names the same spec is kept.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { HostError } from '../errors/index.js';
import { venvOf, type EngineName } from './engine-config.js';

export interface InstallResult {
  venv: string;
  spec: string;
  installed: boolean;
}

const SPEC = /^([A-Za-z0-9][A-Za-z0-9._-]*)(==[A-Za-z0-9.+!-]+)?$/;

export function installConnector(engine: EngineName, spec: string, opts: { python?: string; cacheDir?: string; log?: (line: string) => void } = {}): InstallResult {
  const m = SPEC.exec(spec);
  if (!m) throw new HostError('ENGINE_INSTALL_FAILED', 'host', `"${spec}" is not a package name (NAME or NAME==VERSION)`);
  const venv = venvOf(engine, m[1]!, opts.cacheDir);
  const marker = join(venv, '.dativo-installed');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === spec) return { venv, spec, installed: false };
  rmSync(venv, { recursive: true, force: true });
  mkdirSync(dirname(venv), { recursive: true });
  const run = (cmd: string, args: string[]) => {
    opts.log?.(`${cmd} ${args.join(' ')}`);
    const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.status !== 0) {
      throw new HostError('ENGINE_INSTALL_FAILED', 'host', `${cmd} ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`})`, { details: { venv, spec } });
    }
  };
  run(opts.python ?? 'python3', ['-m', 'venv', venv]);
  run(join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', spec]);
  writeFileSync(marker, spec);
  return { venv, spec, installed: true };
}
