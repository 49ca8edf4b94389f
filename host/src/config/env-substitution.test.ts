import { describe, expect, it } from 'vitest';
import { substituteEnv } from './env-substitution.js';

describe('${VAR} substitution', () => {
  it('replaces variables and defaults in string values only', () => {
    expect(substituteEnv({ a: 'x-${A}-${B:-dflt}', n: 3, '${K}': ['${A}'] }, { A: '1' }, 'job.yaml')).toEqual({ a: 'x-1-dflt', n: 3, '${K}': ['1'] });
  });
  it('names the file, key and variable when one is unset', () => {
    expect(() => substituteEnv({ target: { path: '${NOPE}' } }, {}, 'job.yaml')).toThrow(/job\.yaml: target\.path: environment variable NOPE is not set/);
  });
});
