/** The job example of docs/jobs.md is a job the host loads, ${VAR:-default} in a flow map included. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../package-root.js';
import { loadJob } from './job.js';

const documented = (): string => {
  const docs = readFileSync(join(packageRoot, 'docs', 'jobs.md'), 'utf8');
  const block = /```yaml\n([\s\S]*?)```/.exec(docs);
  if (!block) throw new Error('docs/jobs.md has no yaml block');
  return block[1]!;
};
const write = (text: string): string => {
  const file = join(mkdtempSync(join(tmpdir(), 'docs-job-')), 'orders.yaml');
  writeFileSync(file, text);
  return file;
};

describe('docs/jobs.md job example', () => {
  it('loads; ${OUT_DIR:-out/orders} inside { } takes its default, or the variable', () => {
    const file = write(documented());
    const job = loadJob(file, {});
    expect(job.target.connection).toEqual({ local: { path: 'out/orders' } });
    expect(job.paths.localTarget).toBe(join(file, '..', 'out', 'orders'));
    expect(loadJob(file, { OUT_DIR: '/srv/lake/orders' }).paths.localTarget).toBe('/srv/lake/orders');
  });

  it('the same value unquoted inside { } is a syntax error that says to quote it', () => {
    const text = documented().replace('"${OUT_DIR:-out/orders}"', '${OUT_DIR:-out/orders}');
    expect(() => loadJob(write(text), {})).toThrow(/orders\.yaml:\d+:\d+: .*quote a \$\{VAR\}: "\$\{VAR\}"/);
  });
});
