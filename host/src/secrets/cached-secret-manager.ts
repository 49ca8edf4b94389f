import type { SecretManager } from './secret-manager.js';

/**
 * Remembers each answer (and each pending fetch) for the life of this object: one run.
 * Every plugin instance resolves its granted names when it starts; a remote manager is
 * asked once per name, never for a name no grant declares.
 */
export class CachedSecretManager implements SecretManager {
  readonly #values = new Map<string, Promise<string | undefined>>();
  constructor(readonly inner: SecretManager) {}
  get kind(): string {
    return this.inner.kind;
  }
  get(name: string): Promise<string | undefined> {
    let v = this.#values.get(name);
    if (!v) {
      v = this.inner.get(name);
      // A failure is not cached: a later instance may ask again.
      v.catch(() => this.#values.delete(name));
      this.#values.set(name, v);
    }
    return v;
  }
  close(): void {
    this.inner.close?.();
  }
}
