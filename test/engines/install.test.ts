/**
 * `engines install`'s pip path on a fresh cache folder, with no network: a tiny Singer tap
 * packaged here as a wheel (a wheel is a zip: no build backend needed) in a local folder
 * that pip is pointed at through its own environment (PIP_NO_INDEX, PIP_FIND_LINKS). The
 * installed tap then runs a job through engine_config.package.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installConnector } from '../../host/src/engines/install.js';
import { runJob } from '../../host/src/pipeline/run-job.js';
import { tempDir } from '../helpers/fixtures.js';
import { readRows } from '../helpers/job.js';
import { engineWorkspace, plain } from './connectors.js';

const TAP = join(import.meta.dirname, 'scripts', 'script_tap.py');

/** A wheel of `probe-tap` VERSION whose console script `probe-tap` runs scripts/script_tap.py. */
function buildWheel(dir: string, version: string): void {
  const script = `
import sys, zipfile, hashlib, base64
dir, version, tap = sys.argv[1:4]
name = f"probe_tap-{version}"
files = {
  "probe_tap/__init__.py": f"import runpy\\ndef main():\\n    runpy.run_path({tap!r}, run_name='__main__')\\n",
  f"{name}.dist-info/METADATA": f"Metadata-Version: 2.1\\nName: probe-tap\\nVersion: {version}\\n",
  f"{name}.dist-info/WHEEL": "Wheel-Version: 1.0\\nGenerator: dativo-test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n",
  f"{name}.dist-info/entry_points.txt": "[console_scripts]\\nprobe-tap = probe_tap:main\\n",
}
def digest(b):
  return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(b).digest()).rstrip(b"=").decode()
record = "".join(f"{p},{digest(c.encode())},{len(c.encode())}\\n" for p, c in files.items()) + f"{name}.dist-info/RECORD,,\\n"
with zipfile.ZipFile(f"{dir}/{name}-py3-none-any.whl", "w") as z:
  for p, c in files.items():
    z.writestr(p, c)
  z.writestr(f"{name}.dist-info/RECORD", record)
`;
  execFileSync('python3', ['-c', script, dir, version, TAP]);
}

describe('engines install (pip, offline, fresh cache folder)', () => {
  let saved: Record<string, string | undefined>;
  let cache: string;
  let wheels: string;
  beforeEach(() => {
    saved = { PIP_NO_INDEX: process.env.PIP_NO_INDEX, PIP_FIND_LINKS: process.env.PIP_FIND_LINKS, DATIVO_CACHE_DIR: process.env.DATIVO_CACHE_DIR };
    cache = tempDir('dativo-engine-install-');
    wheels = join(cache, 'wheels');
    mkdirSync(wheels);
    Object.assign(process.env, { PIP_NO_INDEX: '1', PIP_FIND_LINKS: wheels, DATIVO_CACHE_DIR: cache });
  });
  afterEach(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('makes the venv, keeps it for the same spec, remakes it for another, and the job runs the tap', async () => {
    buildWheel(wheels, '0.1.0');
    buildWheel(wheels, '0.2.0');
    const first = installConnector('singer', 'probe-tap==0.1.0');
    expect(first).toEqual({ venv: join(cache, 'venvs', 'singer', 'probe-tap'), spec: 'probe-tap==0.1.0', installed: true });
    const exe = join(first.venv, 'bin', 'probe-tap');
    expect(existsSync(exe)).toBe(true);
    expect(installConnector('singer', 'probe-tap==0.1.0').installed).toBe(false);
    expect(installConnector('singer', 'probe-tap==0.2.0').installed).toBe(true);
    expect(readFileSync(join(first.venv, '.dativo-installed'), 'utf8')).toBe('probe-tap==0.2.0');

    const ws = engineWorkspace('singer', 'items', [
      { name: 'id', logicalType: 'integer', physicalType: 'bigint', required: true },
      { name: 'note', logicalType: 'string' },
    ]);
    ws.writeJob({ source: { engine_config: { package: 'probe-tap' }, config: { mode: 'ok' } } });
    expect((await runJob(ws.job)).records).toBe(5);
    expect(readRows(ws.out).map((r) => plain(r).id).sort()).toEqual([1, 2, 3, 4, 5]);
  }, 300_000);

  it('a package pip cannot find fails with ENGINE_INSTALL_FAILED and leaves no marker', () => {
    expect(() => installConnector('singer', 'probe-tap==9.9.9')).toThrow(expect.objectContaining({ code: 'ENGINE_INSTALL_FAILED' }));
    expect(existsSync(join(cache, 'venvs', 'singer', 'probe-tap', '.dativo-installed'))).toBe(false);
  }, 300_000);
});
