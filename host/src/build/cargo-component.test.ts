import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cargoComponentEnv, findCargoComponent, rustcSysrootWrapper } from './cargo-component.js';

describe('cargo-component with Debian rustc', () => {
  const cache = mkdtempSync(join(tmpdir(), 'dativo-cc-unit-'));

  it('the wrapper answers `--print sysroot` with a sysroot that has the wasm32-wasip1 folder', () => {
    const rustc = join(rustcSysrootWrapper(cache), 'rustc');
    const sysroot = execFileSync(rustc, ['--print', 'sysroot'], { encoding: 'utf8' }).trim();
    expect(existsSync(join(sysroot, 'lib', 'rustlib', 'wasm32-wasip1'))).toBe(true);
    expect(sysroot.startsWith(cache)).toBe(true);
    // Anything else is Debian's rustc, whose own sysroot is /usr.
    expect(execFileSync(rustc, ['--print', 'sysroot', '--target', 'wasm32-wasip1'], { encoding: 'utf8' }).trim()).toBe('/usr');
  });

  it('finds the binary from DATIVO_CARGO_COMPONENT, then the cache dir, then PATH', () => {
    const bin = (dir: string) => {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'cargo-component'), '#!/bin/sh\n');
      chmodSync(join(dir, 'cargo-component'), 0o755);
      return join(dir, 'cargo-component');
    };
    const onPath = bin(join(cache, 'path-bin'));
    expect(findCargoComponent({ PATH: join(cache, 'path-bin'), DATIVO_CACHE_DIR: cache })).toBe(onPath);
    const cached = bin(join(cache, 'tools', 'cargo-component-0.21.1', 'bin'));
    expect(findCargoComponent({ PATH: join(cache, 'path-bin'), DATIVO_CACHE_DIR: cache })).toBe(cached);
    expect(findCargoComponent({ DATIVO_CARGO_COMPONENT: onPath, DATIVO_CACHE_DIR: cache })).toBe(onPath);
    expect(findCargoComponent({ DATIVO_CARGO_COMPONENT: join(cache, 'nope'), DATIVO_CACHE_DIR: cache })).toBeUndefined();
    const env = cargoComponentEnv(cached, { PATH: '/bin', RUSTFLAGS: '-C x', DATIVO_CACHE_DIR: cache });
    expect(env.PATH!.split(':').slice(0, 3)).toEqual([join(cache, 'tools', 'rustc-sysroot', 'bin'), join(cache, 'tools', 'cargo-component-0.21.1', 'bin'), '/usr/bin']);
    expect(env).toMatchObject({ RUSTC: '/usr/bin/rustc', CARGO: '/usr/bin/cargo', RUSTC_BOOTSTRAP: '1' });
    expect(env.RUSTFLAGS).toBeUndefined();
  });
});
