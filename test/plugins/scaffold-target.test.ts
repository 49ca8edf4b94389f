/**
 * Standalone plugin crates (`plugin init`) share one cargo target dir
 * (DATIVO_CARGO_TARGET_DIR, default the cache dir's cargo-target/): the crate gets no
 * target/ of its own, and a second scaffold reuses the standard library built for the
 * first. The times are printed (this machine is shared: they are not asserted).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { REPO, SCAFFOLD_TARGET_DIR, tempDir } from '../helpers/fixtures.js';

const SHARED = SCAFFOLD_TARGET_DIR;

function cli(args: string[], env: NodeJS.ProcessEnv): { status: number | null; stdout: string; stderr: string; ms: number } {
  const started = Date.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(REPO, 'test/helpers/cli.ts'), ...args], { cwd: REPO, encoding: 'utf8', env, timeout: 900_000 });
  if (r.status !== 0) process.stderr.write(r.stderr.slice(-4000));
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - started };
}

describe('a shared cargo target dir for scaffolded crates', () => {
  it('two scaffolds build into DATIVO_CARGO_TARGET_DIR, neither into its own target/', () => {
    const env: NodeJS.ProcessEnv = { ...process.env, DATIVO_LOG_LEVEL: 'warn', DATIVO_CARGO_TARGET_DIR: SHARED };
    delete env.CARGO_TARGET_DIR;
    const root = tempDir('dativo-shared-target-');
    for (const name of ['shared-one', 'shared-two']) {
      const dir = join(root, name);
      expect(cli(['plugin', 'init', name, '--kind', 'reader', '--dir', dir], env).status).toBe(0);
      const build = cli(['plugin', 'build', dir], env);
      expect(build.status).toBe(0);
      process.stderr.write(`plugin build ${name}: ${(build.ms / 1000).toFixed(1)} s\n`);
      expect(existsSync(join(dir, 'target'))).toBe(false);
      expect(existsSync(join(SHARED, 'wasm32-wasip1', 'release', `${name.replace('-', '_')}.wasm`))).toBe(true);
      expect(existsSync(join(dir, 'dist', `${name}.wasm`))).toBe(true);
    }
  }, 1_200_000);
});
