/**
 * WASI preview1 conformance: the 72 prebuilt programs of WebAssembly/wasi-testsuite
 * (vendored in wasi-testsuite/, see its README) through `dativo-host exec`. Needs
 * `npm run build` (the CLI runs from dist/). Every program either passes or is listed in
 * KNOWN_FAILURES with its reason: a listed one that starts passing fails this test as
 * much as a passing one that starts failing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { tempDir } from '../helpers/fixtures.js';
import { componentize, runSuite, suiteCases, type Outcome } from './wasi-testsuite-runner.js';

/** The programs that fail, and why (docs/SECURITY.md, "WASI conformance"). */
const KNOWN_FAILURES: Record<string, string> = {
  // The filesystem guard refuses to link or move a symlink it cannot prove stays inside
  // the grant at its new place, and a loop (symlink -> symlink) resolves nowhere: the
  // guest gets PERM where the test wants the hard link made.
  'rust/path_link': 'a hard link to a symlink loop is refused (containment cannot be proved)',
};
const PASSING_AT_LEAST = 71;

const cases = suiteCases();
let results: Map<string, Outcome>;

beforeAll(async () => {
  const dir = tempDir('dativo-wasi-testsuite-');
  const components = await componentize(cases, join(dir, 'components'));
  results = await runSuite(cases, components, join(dir, 'cache'));
}, 900_000);

describe('wasi-testsuite preview1 through dativo-host exec', () => {
  it('has the 72 vendored programs, and every known failure is one of them', () => {
    expect(cases).toHaveLength(72);
    const ids = new Set(cases.map((c) => c.id));
    expect(Object.keys(KNOWN_FAILURES).filter((id) => !ids.has(id))).toEqual([]);
  });

  it.each(cases.map((c) => [c.id]))('%s', (id) => {
    const r = results.get(id)!;
    const detail = `${r.why}\n--- stderr ---\n${r.stderr.slice(0, 2000)}`;
    if (KNOWN_FAILURES[id]) expect(r.pass, `${id} now passes: take it off KNOWN_FAILURES`).toBe(false);
    else expect(r.pass, `${id} fails: ${detail}`).toBe(true);
  });

  it(`passes at least ${PASSING_AT_LEAST} of 72`, () => {
    const passing = [...results.values()].filter((r) => r.pass).length;
    expect(passing).toBeGreaterThanOrEqual(PASSING_AT_LEAST);
    expect(passing).toBe(cases.length - Object.keys(KNOWN_FAILURES).length);
  });
});
