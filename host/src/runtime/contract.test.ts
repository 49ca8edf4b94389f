import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONTRACT_VERSION, contractVersionOf, isCompatible } from './contract.js';

describe('contract version', () => {
  it('is the version of the wit/ package', () => {
    const wit = readFileSync(new URL('../../../wit/worlds.wit', import.meta.url), 'utf8');
    expect(wit).toContain(`package dativo:plugin@${CONTRACT_VERSION};`);
  });
  it('accepts same 0.minor and refuses other majors or minors', () => {
    expect(isCompatible('0.1.0', '0.1.3')).toBe(true);
    expect(isCompatible('0.2.0', '0.1.0')).toBe(false);
    expect(isCompatible('9.0.0', '0.1.0')).toBe(false);
    expect(isCompatible('1.2.0', '1.3.0')).toBe(true);
    expect(isCompatible('1.4.0', '1.3.0')).toBe(false);
  });
  it('reads the version from export names', () => {
    expect(contractVersionOf(['wasi:cli/run@0.2.3', 'dativo:plugin/reader@0.1.0'])).toEqual({ world: 'reader', version: '0.1.0' });
    expect(contractVersionOf(['wasi:cli/run@0.2.3'])).toBeUndefined();
  });
});
