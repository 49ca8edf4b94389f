import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { ConfigError } from '../errors/index.js';
import type { SecretManager } from './secret-manager.js';

/**
 * Secrets from a YAML or JSON file of `name: value` (for example one mounted by an
 * orchestrator). Read once, when the first secret is asked for.
 */
export class FileSecretManager implements SecretManager {
  readonly kind = 'file';
  #values: Record<string, unknown> | undefined;
  constructor(readonly path: string) {}

  async get(name: string): Promise<string | undefined> {
    if (!this.#values) {
      let text: string;
      try {
        text = readFileSync(this.path, 'utf8');
      } catch (e) {
        throw new ConfigError('SECRETS_FILE_NOT_FOUND', `secrets file ${this.path} cannot be read: ${(e as Error).message}`, { details: { file: this.path } });
      }
      const parsed: unknown = parse(text);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw new ConfigError('SECRETS_FILE_INVALID', `secrets file ${this.path} must be a map of name: value`, { details: { file: this.path } });
      }
      this.#values = parsed as Record<string, unknown>;
    }
    const v = this.#values[name];
    return v === undefined || v === null ? undefined : String(v);
  }
}
