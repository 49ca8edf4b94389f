import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { linksUnder, movedView, walkPhysical } from './link-walk.js';

describe('walking a path as the kernel follows it', () => {
  let dir: string;
  beforeEach(() => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'link-walk-')));
    mkdirSync(join(dir, 'a', 'b'), { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('takes `..` after a link from where the link leads, not lexically', () => {
    symlinkSync('..', join(dir, 'a', 'b', 'up'));
    expect(walkPhysical(join(dir, 'a', 'b'), 'up/../x')).toBe(join(dir, 'x'));
    expect(walkPhysical(join(dir, 'a', 'b'), 'up/../../x')).toBe(join(dir, '..', 'x'));
  });

  it('follows a chain of links, absolute ones too, and a dangling one lexically past the missing part', () => {
    symlinkSync('b', join(dir, 'a', 'l1'));
    symlinkSync(join(dir, 'a', 'l1'), join(dir, 'l2'));
    symlinkSync('../gone/deeper', join(dir, 'a', 'dangling'));
    expect(walkPhysical(dir, 'l2/f')).toBe(join(dir, 'a', 'b', 'f'));
    expect(walkPhysical(dir, 'a/dangling')).toBe(join(dir, 'gone', 'deeper'));
  });

  it('gives up on a loop', () => {
    symlinkSync('loop2', join(dir, 'loop1'));
    symlinkSync('loop1', join(dir, 'loop2'));
    expect(walkPhysical(dir, 'loop1')).toBeUndefined();
  });

  it('sees the filesystem as a rename will leave it', () => {
    symlinkSync('../../x', join(dir, 'a', 'b', 'l'));
    const view = movedView(join(dir, 'a', 'b'), join(dir, 'c'));
    expect(view.readlink(join(dir, 'c', 'l'))).toBe('../../x');
    expect(view.readlink(join(dir, 'a', 'b'))).toBeUndefined();
    expect(view.readlink(join(dir, 'a'))).toBeNull();
    expect(walkPhysical(dir, 'c/l', view)).toBe(join(dir, '..', 'x'));
  });

  it('lists every link under a folder, without descending into linked folders', () => {
    writeFileSync(join(dir, 'a', 'f'), '');
    symlinkSync('f', join(dir, 'a', 'lf'));
    symlinkSync('..', join(dir, 'a', 'b', 'up'));
    expect(linksUnder(join(dir, 'a')).sort((x, y) => x.rel.localeCompare(y.rel))).toEqual([
      { rel: 'b/up', target: '..' },
      { rel: 'lf', target: 'f' },
    ]);
    expect(linksUnder(join(dir, 'a', 'lf'))).toEqual([{ rel: '', target: 'f' }]);
    expect(linksUnder(join(dir, 'missing'))).toEqual([]);
  });
});
