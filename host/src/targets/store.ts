/**
 * What the commit protocol (commit-protocol.ts) needs of a place to keep files: a local
 * folder or an S3 prefix. Keys are `/`-separated paths relative to the target root,
 * built only from names checked by keys.ts; each store refuses a key that would leave
 * its root.
 */
export interface ObjectWriter {
  write(chunk: Uint8Array): Promise<void>;
  /** Flushes and (local) syncs the object; returns its size. */
  close(): Promise<number>;
}

export interface TargetStore {
  readonly description: string;
  /** A new object; it exists completely once close() returns. */
  create(key: string): Promise<ObjectWriter>;
  /** A small text object (manifest, lock), or undefined when absent. */
  read(key: string): Promise<{ text: string; version: string } | undefined>;
  /** Writes a small text object atomically and durably. */
  write(key: string, text: string): Promise<void>;
  /** Writes only if the key is absent (true), or holds `version` when given; false otherwise. */
  writeIf(key: string, text: string, condition: { absent: true } | { version: string }): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** The names one level under `prefix` (files and folders alike), sorted. */
  list(prefix: string): Promise<string[]>;
  /** Moves everything under `from` to `to` (local: one rename). Nothing to move: a no-op. */
  move(from: string, to: string): Promise<void>;
  /** Deletes everything under `prefix`. */
  removeAll(prefix: string): Promise<void>;
  /** Makes everything under `prefix` durable (local: fsync of files' folders). */
  sync(prefix: string): Promise<void>;
  /** Throws a TargetError when the target cannot be used (missing, not writable, refused). */
  check(): Promise<void>;
}
