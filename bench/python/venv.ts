/**
 * The bench's Python venvs, pinned, under the cache folder
 * (${DATIVO_CACHE_DIR:-~/.cache/dativo-host}/venvs/NAME), created on first use. A venv whose
 * recorded pins differ from these is made again.
 *   venvs/bench      Polars and pyarrow (csv-parquet, wide-csv)
 *   venvs/bench-dlt  dlt with its sql_database source, SQLAlchemy and psycopg2 (postgres)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultCacheDir } from '../../dist/files/cache-dir.js';

export const PINS = ['polars==2.1.0', 'pyarrow==26.0.1'];
/** dlt 1.31.0 has no sql_database extra: its source needs SQLAlchemy and a driver beside it. */
export const DLT_PINS = ['dlt[parquet,filesystem]==1.31.0', 'sqlalchemy==2.0.44', 'psycopg2-binary==2.9.13', 'pyarrow==26.0.1'];

/** The python of venvs/`name`, after creating the venv if it is missing or pinned otherwise. */
export function pinnedPython(name: string, pins: string[]): string {
  const dir = join(defaultCacheDir(), 'venvs', name);
  const python = join(dir, 'bin', 'python');
  const record = join(dir, 'pins.txt');
  if (existsSync(python) && existsSync(record) && readFileSync(record, 'utf8') === pins.join('\n')) return python;
  rmSync(dir, { recursive: true, force: true });
  console.error(`bench: creating ${dir} (python3 -m venv; pip install ${pins.join(' ')})`);
  execFileSync('python3', ['-m', 'venv', dir], { stdio: 'inherit' });
  execFileSync(join(dir, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', ...pins], { stdio: 'inherit' });
  writeFileSync(record, pins.join('\n'));
  return python;
}

export const benchPython = (): string => pinnedPython('bench', PINS);
export const dltPython = (): string => pinnedPython('bench-dlt', DLT_PINS);

if (import.meta.url === `file://${process.argv[1]}`) console.log(process.argv[2] === 'dlt' ? dltPython() : benchPython());
