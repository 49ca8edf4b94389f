import { describe, expect, it } from 'vitest';
import { resolveImports } from './imports.js';

describe('resolveImports', () => {
  it('maps versioned and unversioned specifiers to implementations, and lists what the host lacks', () => {
    const fs = {};
    const { imports, missing } = resolveImports(['wasi:filesystem/types@0.2.12', 'wasi:keyvalue/store@0.2.0', 'dativo:plugin/log'], {
      'wasi:filesystem/types': fs,
      'dativo:plugin/log': {},
    });
    expect(imports['wasi:filesystem/types@0.2.12']).toBe(fs);
    expect(Object.keys(imports)).toEqual(['wasi:filesystem/types@0.2.12', 'dativo:plugin/log']);
    expect(missing).toEqual(['wasi:keyvalue/store@0.2.0']);
  });
});
