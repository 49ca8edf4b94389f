/**
 * Real secret-manager servers for test/secrets/, each on its own loopback port, built or
 * installed by the .ci script each error names: moto (AWS) and a Vault dev server (Vault's own
 * core and HTTP API, test/fixtures/go/vault-dev, built by .ci/install-vault.sh).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';

const CACHE = process.env.DATIVO_CACHE_DIR ?? join(homedir(), '.cache', 'dativo-host');
export const MOTO_BIN = join(CACHE, 'venvs', 'moto', 'bin', 'moto_server');
export const VAULT_BIN = join(CACHE, 'tools', 'vault-dev', 'vault-dev');

export interface TestServer {
  url: string;
  /** Everything the server printed so far. */
  output(): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function startServer(bin: string, script: string, args: (port: number) => string[], ready: string, env: NodeJS.ProcessEnv = {}): Promise<TestServer> {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run .ci/${script}`);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(bin, args(port), { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${bin} exited (${child.exitCode}): ${out}`);
    try {
      const r = await fetch(url + ready);
      if (r.status < 500) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`${bin} did not answer on ${url}: ${out}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    output: () => out,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

export const startMoto = () => startServer(MOTO_BIN, 'install-moto.sh', (p) => ['-H', '127.0.0.1', '-p', String(p)], '/moto-api/');

export const VAULT_ROOT_TOKEN = 'root-token-for-tests';
export const startVault = () =>
  startServer(
    VAULT_BIN,
    'install-vault.sh',
    (p) => [`-addr=127.0.0.1:${p}`, `-root-token=${VAULT_ROOT_TOKEN}`],
    '/v1/sys/health',
  );
