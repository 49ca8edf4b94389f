/**
 * The Rust crates' own tests, run natively by cargo: csv-reader's fast path checked
 * against arrow-csv (values, whole files batch by batch, error messages) and the
 * plugin SDK's unit and doc tests, file-source's unit tests. The wasm components they
 * build into are tested through the host by the other files here.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const WORKSPACE = join(import.meta.dirname, '..', '..', 'plugins-rust');

describe('Rust crates, native tests', () => {
  it('csv-reader, jsonl-reader, file-source and dativo-plugin-sdk pass `cargo test`', () => {
    const r = spawnSync('cargo', ['test', '-p', 'csv-reader', '-p', 'jsonl-reader', '-p', 'file-source', '-p', 'dativo-plugin-sdk', '--features', 'dativo-plugin-sdk/arrow'], {
      cwd: WORKSPACE,
      encoding: 'utf8',
      maxBuffer: 64 * 2 ** 20,
    });
    const output = `${r.stdout}\n${r.stderr}`;
    expect(r.status, output.slice(-4000)).toBe(0);
    const passed = [...output.matchAll(/test result: ok\. (\d+) passed/g)].reduce((n, m) => n + Number(m[1]), 0);
    expect(passed, output.slice(-4000)).toBeGreaterThanOrEqual(40);
  }, 1_200_000);
});
