import { copyFileSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { isRecordedBuild, recordBuild, sourceDigest } from './build-record.js';

describe('build records', () => {
  const root = mkdtempSync(join(tmpdir(), 'dativo-record-'));
  const cache = join(root, 'cache');
  const src = join(root, 'src');
  mkdirSync(src);
  writeFileSync(join(src, 'lib.rs'), 'fn a() {}');
  const out = join(root, 'out.wasm');

  it('a component is taken as built only when recorded for the same sources and bytes', () => {
    const digest = sourceDigest(root, [join(src, 'lib.rs')]);
    writeFileSync(out, 'component v1');
    expect(isRecordedBuild(out, digest, cache)).toBe(false); // newer than the sources, never recorded
    recordBuild(out, digest, cache);
    expect(isRecordedBuild(out, digest, cache)).toBe(true);
    copyFileSync(join(src, 'lib.rs'), out); // replaced, whatever its mtime
    utimesSync(out, new Date(Date.now() + 60_000), new Date(Date.now() + 60_000));
    expect(isRecordedBuild(out, digest, cache)).toBe(false);
  });

  it('keeps every build of the same sources: builds differ (TS snapshots) and checkouts share the cache', () => {
    const digest = sourceDigest(root, [join(src, 'lib.rs')], ['two-builds']);
    const other = join(root, 'other-checkout.wasm');
    writeFileSync(out, 'component, first build');
    recordBuild(out, digest, cache);
    writeFileSync(other, 'component, second build');
    recordBuild(other, digest, cache);
    expect(isRecordedBuild(other, digest, cache)).toBe(true);
    expect(isRecordedBuild(out, digest, cache)).toBe(true);
    writeFileSync(out, 'component, never recorded');
    expect(isRecordedBuild(out, digest, cache)).toBe(false);
  });

  it('the digest covers paths, contents and settings', () => {
    const a = sourceDigest(root, [join(src, 'lib.rs')], ['kind=reactor']);
    expect(sourceDigest(root, [join(src, 'lib.rs')], ['kind=command'])).not.toBe(a);
    writeFileSync(join(src, 'lib.rs'), 'fn b() {}');
    expect(sourceDigest(root, [join(src, 'lib.rs')], ['kind=reactor'])).not.toBe(a);
  });
});
