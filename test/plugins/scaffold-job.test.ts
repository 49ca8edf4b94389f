/**
 * A scaffolded reader runs in a job as it runs in `plugin test`: the job's incremental
 * block reaches the plugin through its SDK (the read request), not as an unknown key of
 * its own config, which the Rust scaffold refuses (deny_unknown_fields). A second run
 * resumes from the committed checkpoint.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { inspectComponent } from '../../host/src/capabilities/review/inspect-component.js';
import { REPO, SCAFFOLD_TARGET_DIR, tempDir } from '../helpers/fixtures.js';
import { writeGreetingsJob } from '../helpers/greetings-job.js';
import { readRows } from '../helpers/job.js';

const TARGET_DIR = SCAFFOLD_TARGET_DIR;

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(REPO, 'test/helpers/cli.ts'), ...args], {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, DATIVO_LOG_LEVEL: 'warn', CARGO_TARGET_DIR: TARGET_DIR },
    timeout: 600_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A job reading the scaffold's greetings incrementally (cursor on id) into out/. */
const writeJob = (dir: string, plugin: string, count: number): string => writeGreetingsJob(dir, plugin, count, { incremental: true });

describe.each(['rust', 'ts'] as const)('a scaffolded %s reader in a job', (lang) => {
  it('runs with an incremental block and resumes from its checkpoint', async () => {
    const work = tempDir('dativo-init-job-');
    const dir = join(work, `inc-${lang}-reader`);
    expect(cli(['plugin', 'init', `inc-${lang}-reader`, '--lang', lang, '--kind', 'reader', '--dir', dir]).status).toBe(0);
    const test = cli(['plugin', 'test', dir]);
    if (test.status !== 0) process.stderr.write(test.stderr.slice(-4000));
    expect(test.status).toBe(0);

    // No HTTP grant in the scaffold's manifest: the component does not even import wasi:http.
    const { imports } = await inspectComponent(readFileSync(join(dir, 'dist', `inc-${lang}-reader.wasm`)));
    expect(imports.filter((i) => i.startsWith('wasi:http/'))).toEqual([]);
    expect(imports).toContain('dativo:plugin/log@0.1.0');

    const plugin = join(dir, 'dist', 'plugin.yaml');
    const first = cli(['run', writeJob(work, plugin, 3)]);
    if (first.status !== 0) process.stderr.write(first.stderr.slice(-4000));
    expect(first.stderr).not.toMatch(/unknown field|PLUGIN_CONFIG/);
    expect(first.status).toBe(0);
    expect(readRows(join(work, 'out')).map((r) => Number(r.id)).sort()).toEqual([1, 2, 3]);

    // The checkpoint {"last_id":3} was committed: a run with count 5 adds only ids 4 and 5.
    const second = cli(['run', writeJob(work, plugin, 5)]);
    expect(second.status).toBe(0);
    const ids = readRows(join(work, 'out')).map((r) => Number(r.id)).sort((a, b) => a - b);
    expect(ids).toEqual([1, 2, 3, 4, 5]);
  }, 900_000);
});

describe('plugin init --help', () => {
  it('prints the init usage and exits 0', () => {
    const r = cli(['plugin', 'init', '--help']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('init NAME --kind reader|writer [--lang rust|ts] [--dir DIR]');
  });
});
