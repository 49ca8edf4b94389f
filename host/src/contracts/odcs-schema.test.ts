import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileOdcsValidator } from './odcs-schema.js';

const good = { apiVersion: 'v3.0.2', kind: 'DataContract', id: 'c1', version: '1.0.0', status: 'active' };
const bad = { ...good, kind: 'NotAContract' };

describe('compileOdcsValidator', () => {
  it('compiles once, caches the validator code by schema and Ajv version, and the cached code validates the same', () => {
    const cache = mkdtempSync(join(tmpdir(), 'dativo-validators-'));
    const first = compileOdcsValidator(cache);
    const [file] = readdirSync(join(cache, 'validators'));
    expect(file).toMatch(/^odcs-v3\.0\.2-[0-9a-f]{32}\.cjs$/);
    const written = statSync(join(cache, 'validators', file!)).mtimeMs;
    const second = compileOdcsValidator(cache);
    expect(statSync(join(cache, 'validators', file!)).mtimeMs).toBe(written);
    for (const v of [first, second]) {
      expect(v(good)).toBe(true);
      expect(v(bad)).toBe(false);
      expect(v.errors?.some((e) => e.instancePath === '/kind')).toBe(true);
    }
  });

  it('works without a writable cache (compiles every time)', () => {
    const cache = mkdtempSync(join(tmpdir(), 'dativo-validators-'));
    writeFileSync(join(cache, 'validators'), 'a file where the folder would go'); // fails even for root
    const v = compileOdcsValidator(cache);
    expect(v(good)).toBe(true);
    expect(v(bad)).toBe(false);
  });
});
