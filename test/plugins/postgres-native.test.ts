/**
 * postgres-reader's own unit tests, run natively by cargo: SQLSTATE -> error kinds, type
 * mapping and casts, binary COPY tuples split at every byte, cursor literals, lookback, the
 * reopen-without-lookback rule, pgoutput messages and the CDC confirmation rule. The
 * component is tested against a real server in postgres-reader.test.ts and -cdc.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const WORKSPACE = join(import.meta.dirname, '..', '..', 'plugins-rust');

describe('postgres-reader, native tests', () => {
  it('passes `cargo test -p postgres-reader`', () => {
    const r = spawnSync('cargo', ['test', '-p', 'postgres-reader'], { cwd: WORKSPACE, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
    const output = `${r.stdout}\n${r.stderr}`;
    expect(r.status, output.slice(-4000)).toBe(0);
    const passed = [...output.matchAll(/test result: ok\. (\d+) passed/g)].reduce((n, m) => n + Number(m[1]), 0);
    expect(passed, output.slice(-4000)).toBeGreaterThanOrEqual(7);
  }, 1_200_000);
});
