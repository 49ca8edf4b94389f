/**
 * Host code never trusts files in folders a plugin could write: a plugin with a
 * read-write grant plants commit manifests and links in a folder that a later ordinary
 * run uses as its local target. The run refuses them (typed errors) and touches nothing
 * outside the target; planning refuses a target folder that is a plugin's grant.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/fixtures.js';
import { jobWorkspace, readRows } from '../helpers/job.js';
import { runProbe } from '../helpers/probe.js';
import { runCli } from '../helpers/run-cli.js';

const RUN = '20261201T120000Z-abcdef';

/** Runs probe actions with a read-write grant on `folder` at /out; each must succeed. */
async function plant(folder: string, actions: Record<string, unknown>[]) {
  for (const a of actions) {
    const r = await runProbe(a, { capabilities: { filesystem: [{ guest: '/out', host: folder, access: 'read-write' }] } });
    expect(r.report?.ok, JSON.stringify(r.report ?? r.error)).toBe(true);
  }
}

const manifest = (over: Record<string, unknown>) =>
  JSON.stringify({ runId: RUN, tenant: 'acme', job: 'job', startedAt: '', files: [], checkpoints: {}, ...over });

function ordinaryJob(target: string) {
  const ws = jobWorkspace(100);
  ws.writeJob({ target: { connection: { local: { path: target } } } });
  return ws;
}

describe('a target folder a plugin wrote to', () => {
  it.each([
    ['a pending manifest whose stream holds ../', { files: [{ stream: '../escape', path: '../escape/run_id=x/p.parquet', rows: 1, bytes: 1 }] }, 'TARGET_CORRUPT'],
    ['a pending manifest whose file path leaves its run folder', { files: [{ stream: 'orders', path: `orders/run_id=${RUN}/../../../escape.parquet`, rows: 1, bytes: 1 }] }, 'TARGET_CORRUPT'],
    ['a pending manifest retiring a folder outside the layout', { retired: ['../../victim'] }, 'TARGET_CORRUPT'],
    ['a pending manifest whose runId differs from its name', { runId: '../../evil' }, 'TARGET_CORRUPT'],
  ])('%s: the next run refuses it and moves nothing', async (_what, over, code) => {
    const root = tempDir('dativo-trust-');
    const target = join(root, 'target');
    const victim = join(root, 'victim');
    mkdirSync(target);
    mkdirSync(victim);
    writeFileSync(join(victim, 'keep.txt'), 'data');
    await plant(target, [
      { action: 'mkdir', path: '/out/_dativo' },
      { action: 'mkdir', path: '/out/_dativo/pending' },
      { action: 'write-file', path: `/out/_dativo/pending/${RUN}.json`, content: manifest(over) },
    ]);
    const ws = ordinaryJob(target);
    const r = runCli(['run', ws.jobFile, '--json']);
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout).error.code).toBe(code);
    expect(readdirSync(root).sort()).toEqual(['target', 'victim']);
    expect(readdirSync(victim)).toEqual(['keep.txt']);
    expect(readRows(target)).toEqual([]);
  });

  it('a pending manifest named like no run id is refused (TARGET_UNSAFE)', async () => {
    const target = tempDir('dativo-trust-');
    await plant(target, [
      { action: 'mkdir', path: '/out/_dativo' },
      { action: 'mkdir', path: '/out/_dativo/pending' },
      { action: 'write-file', path: '/out/_dativo/pending/..%2F..%2Fx.json', content: manifest({}) },
    ]);
    const r = runCli(['run', ordinaryJob(target).jobFile, '--json']);
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout).error.code).toBe('TARGET_UNSAFE');
  });

  it.each([
    ['_dativo', '/out/_dativo'],
    ['a stream folder', '/out/orders'],
  ])('a symlink named like %s is never followed (TARGET_UNSAFE); nothing is written through it', async (_what, link) => {
    const target = tempDir('dativo-trust-');
    await plant(target, [
      { action: 'mkdir', path: '/out/elsewhere' },
      { action: 'symlink', target: 'elsewhere', link },
    ]);
    const ws = ordinaryJob(target);
    const r = runCli(['run', ws.jobFile, '--json']);
    expect(r.status).toBe(1);
    const err = JSON.parse(r.stdout).error;
    expect(err.code).toBe('TARGET_UNSAFE');
    expect(err.message).toMatch(/is a symlink; the host does not follow it inside a target folder/);
    expect(readdirSync(join(target, 'elsewhere'))).toEqual([]);
  });
});

describe('planning keeps targets and grants apart', () => {
  it('a local target inside the source files folder is refused (exit 2)', () => {
    const ws = jobWorkspace(10);
    ws.writeJob({ target: { connection: { local: { path: 'data/out' } } } });
    const r = runCli(['run', ws.jobFile, '--json']);
    expect(r.status).toBe(2);
    const err = JSON.parse(r.stdout).error;
    expect(err.code).toBe('CONFIG_GRANT_OVERLAP');
    expect(err.message).toMatch(/overlaps the reader's \/data of stream "orders"/);
    expect(existsSync(join(ws.dir, 'data', 'out'))).toBe(false);
  });

  it('a local target that holds the source files folder is refused too', () => {
    const ws = jobWorkspace(10);
    ws.writeJob({ target: { connection: { local: { path: '.' } } } });
    const r = runCli(['run', ws.jobFile, '--json']);
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stdout).error.code).toBe('CONFIG_GRANT_OVERLAP');
  });
});
