import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { loadYamlFile } from '../../config/yaml-file.js';
import { ConfigError } from '../../errors/index.js';

/** JSON with object keys sorted at every level: the bytes an approval's signature covers. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A key's id: the first 16 hex digits of the sha256 of its public key (SPKI DER). */
export const keyIdOf = (key: KeyObject): string =>
  createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);

export interface GeneratedKeys {
  id: string;
  privatePem: string;
  publicPem: string;
}

export function generateKeys(): GeneratedKeys {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    id: keyIdOf(publicKey),
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** A reviewer's private key (PEM, PKCS#8 Ed25519). */
export function loadPrivateKey(file: string): { key: KeyObject; id: string } {
  let key: KeyObject;
  try {
    key = createPrivateKey(readFileSync(file));
  } catch (e) {
    throw new ConfigError('REVIEW_KEY_INVALID', `private key ${file} cannot be read: ${(e as Error).message}`, { details: { file } });
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new ConfigError('REVIEW_KEY_INVALID', `private key ${file} is ${key.asymmetricKeyType}, not Ed25519`, { details: { file } });
  }
  return { key, id: keyIdOf(createPublicKey(key)) };
}

export const signPayload = (payload: unknown, key: KeyObject): string =>
  sign(null, Buffer.from(canonicalJson(payload)), key).toString('base64');

export function verifyPayload(payload: unknown, signature: string, key: KeyObject): boolean {
  try {
    return verify(null, Buffer.from(canonicalJson(payload)), key, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

const trustedKeysSchema = z
  .object({
    keys: z
      .array(z.object({ id: z.string().regex(/^[0-9a-f]{16}$/), owner: z.string().min(1), public_key: z.string().min(1) }).strict())
      .default([]),
  })
  .strict();

export interface TrustedKey {
  id: string;
  owner: string;
  key: KeyObject;
}

/**
 * The keys file: public keys whose approvals this host accepts. An entry whose id is not
 * its key's own id is refused (a renamed key would otherwise stand in for another).
 */
export function loadTrustedKeys(file: string): Map<string, TrustedKey> {
  const parsed = loadYamlFile(file, trustedKeysSchema, 'trusted keys file');
  const keys = new Map<string, TrustedKey>();
  for (const [i, k] of parsed.keys.entries()) {
    let key: KeyObject;
    try {
      key = createPublicKey(k.public_key);
    } catch (e) {
      throw new ConfigError('REVIEW_KEYS_INVALID', `${file}: keys[${i}].public_key: ${(e as Error).message}`, { details: { file } });
    }
    const id = key.asymmetricKeyType === 'ed25519' ? keyIdOf(key) : '';
    if (id !== k.id) {
      const what = id ? `is the key of id ${id}` : 'is not an Ed25519 public key';
      throw new ConfigError('REVIEW_KEYS_INVALID', `${file}: keys[${i}] (${k.owner}): public_key ${what}, not ${k.id}`, { details: { file, id: k.id } });
    }
    keys.set(id, { id, owner: k.owner, key });
  }
  return keys;
}
