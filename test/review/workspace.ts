import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { generateKeys } from '../../host/src/capabilities/review/signing.js';
import { REPO, tempDir } from '../helpers/fixtures.js';

/** The built folder of a shipped Rust plugin (dist/ written by the test global setup). */
export const shippedPlugin = (name: string): string => join(REPO, 'plugins-rust', name);
export const shippedManifest = (name: string): string => join(REPO, 'plugins-rust', name, 'dist', 'plugin.yaml');

export interface ReviewWorkspace {
  dir: string;
  /** The reviewer's private key (PEM). */
  key: string;
  keyId: string;
  /** A trusted keys file listing the reviewer's public key only. */
  trusted: string;
  /** An empty (absent) lock file. */
  lock: string;
}

/** A fresh folder with a reviewer key pair, a trusted keys file, and a lock path. */
export function reviewWorkspace(): ReviewWorkspace {
  const dir = tempDir('dativo-review-');
  const k = generateKeys();
  const key = join(dir, 'alice.key');
  writeFileSync(key, k.privatePem, { mode: 0o600 });
  const trusted = join(dir, 'trusted-keys.yaml');
  writeFileSync(trusted, stringify({ keys: [{ id: k.id, owner: 'alice', public_key: k.publicPem }] }));
  return { dir, key, keyId: k.id, trusted, lock: join(dir, 'plugins.lock.yaml') };
}

/** A copy of a shipped plugin's dist/ folder (component and manifest) that a test may change. */
export function copyDist(name: string): string {
  const dir = tempDir(`dativo-${name}-`);
  cpSync(join(REPO, 'plugins-rust', name, 'dist'), dir, { recursive: true });
  return dir;
}
