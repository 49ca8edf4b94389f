/**
 * The bench's Python venv with Polars and pyarrow, pinned, under the cache folder
 * (${DATIVO_CACHE_DIR:-~/.cache/dativo-host}/venvs/bench), created on first use. A venv
 * whose recorded pins differ from these is made again.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultCacheDir } from '../../dist/files/cache-dir.js';

export const PINS = ['polars==2.1.0', 'pyarrow==26.0.1'];

/** The venv's python, after creating the venv if it is missing or pinned otherwise. */
export function benchPython(): string {
  const dir = join(defaultCacheDir(), 'venvs', 'bench');
  const python = join(dir, 'bin', 'python');
  const record = join(dir, 'pins.txt');
  if (existsSync(python) && existsSync(record) && readFileSync(record, 'utf8') === PINS.join('\n')) return python;
  rmSync(dir, { recursive: true, force: true });
  console.error(`bench: creating ${dir} (python3 -m venv; pip install ${PINS.join(' ')})`);
  execFileSync('python3', ['-m', 'venv', dir], { stdio: 'inherit' });
  execFileSync(join(dir, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', ...PINS], { stdio: 'inherit' });
  writeFileSync(record, PINS.join('\n'));
  return python;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(benchPython());
