/**
 * Which components this host built, and from what: a build is skipped only when the
 * component on disk is the one a recorded build wrote from sources with the same digest.
 * A component found next to its sources (a dist/*.wasm newer than them, or planted with
 * a record beside it) is never taken as built. The records live in the host's cache
 * directory, which is trusted like the host's own code (docs/SECURITY.md), not in dist/.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { defaultCacheDir } from '../files/cache-dir.js';

const recordDir = (cacheDir: string) => join(cacheDir, 'builds');
const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');
/**
 * Components kept per digest: one build's bytes are not another's (a TypeScript build holds
 * the clock and random state of its snapshot), and checkouts sharing the cache dir each keep
 * their own build, which the newest record must not disown.
 */
const KEPT_PER_DIGEST = 16;

interface BuildRecordFile {
  /** The newest build's component (what older hosts read). */
  componentSha256?: string;
  /** Every kept build's component, newest first. */
  componentSha256s?: string[];
  outFile?: string;
}

function recordedComponents(file: string): string[] {
  try {
    const r = JSON.parse(readFileSync(file, 'utf8')) as BuildRecordFile;
    return r.componentSha256s ?? (r.componentSha256 ? [r.componentSha256] : []);
  } catch {
    return [];
  }
}

/** The digest of a build's inputs: each file's path (relative to `root`) and bytes, and `extra` settings. */
export function sourceDigest(root: string, files: string[], extra: string[] = []): string {
  const hash = createHash('sha256');
  for (const f of [...files].sort()) {
    hash.update(`file\0${relative(root, f).split(sep).join('/')}\0`);
    hash.update(readFileSync(f));
    hash.update('\0');
  }
  for (const e of extra) hash.update(`extra\0${e}\0`);
  return hash.digest('hex');
}

/** Whether `outFile` is what a recorded build of sources with this digest wrote. */
export function isRecordedBuild(outFile: string, digest: string, cacheDir = defaultCacheDir()): boolean {
  const record = join(recordDir(cacheDir), `${digest}.json`);
  if (!existsSync(outFile) || !existsSync(record)) return false;
  return recordedComponents(record).includes(sha256(readFileSync(outFile)));
}

/** Records that this host built `outFile` from sources with this digest. */
export function recordBuild(outFile: string, digest: string, cacheDir = defaultCacheDir()): void {
  const dir = recordDir(cacheDir);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${digest}.json`);
  const tmp = `${file}.${process.pid}.tmp`;
  const component = sha256(readFileSync(outFile));
  const kept = [component, ...recordedComponents(file).filter((c) => c !== component)].slice(0, KEPT_PER_DIGEST);
  const record: BuildRecordFile = { componentSha256: component, componentSha256s: kept, outFile };
  writeFileSync(tmp, `${JSON.stringify(record)}\n`);
  renameSync(tmp, file);
}
