/**
 * A FIFO (or any file whose open blocks) must never hang the host: the sandbox refuses
 * special files, a job over one ends with its error code, and a worker that is stuck in
 * a system call all the same is abandoned after a bounded wait instead of awaited forever.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, constants, mkdirSync, openSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { abandonedWorkers, stopWorker } from '../../host/src/runtime/worker-pool.js';
import { releaseBlockedFifoOpens } from '../../host/src/capabilities/filesystem/release-fifos.js';
import { fixture, REPO, tempDir, writeManifest } from '../helpers/fixtures.js';
import { jobWorkspace } from '../helpers/job.js';

/** Opens the FIFO's writing end if a reader is blocked on it, which releases that reader. */
const release = (fifo: string) => {
  try {
    closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
  } catch {
    // no reader waiting (ENXIO): nothing to release
  }
};

describe('a FIFO in a granted folder', () => {
  it('a job whose reader opens it exits 1 with CAPABILITY_DENIED through the CLI, within a bound', () => {
    const ws = jobWorkspace(0);
    rmSync(ws.csv, { force: true });
    execFileSync('mkfifo', [ws.csv]);
    // The probe as the job's reader: it opens what its config says, as a hostile reader would.
    const probe = writeManifest(fixture('rust', 'probe-reader'), {
      name: 'probe-rust',
      capabilities: { filesystem: [{ guest: '/data', access: 'read' }] },
      limits: { call_timeout_ms: 5_000 },
    });
    ws.writeJob({ source: { plugin: probe, objects: ['orders'], files: ['data/orders.csv'], config: { action: 'read-file', path: '/data/orders.csv' } } });
    try {
      const r = spawnSync(process.execPath, ['--import', 'tsx', join(REPO, 'test/helpers/cli.ts'), 'run', ws.jobFile, '--json'], {
        cwd: REPO,
        encoding: 'utf8',
        env: { ...process.env, DATIVO_LOG_LEVEL: 'warn' },
        timeout: 60_000, // a generous bound: a hang is the failure, not slowness
      });
      expect(r.signal, 'the CLI did not exit by itself').toBeNull();
      expect(r.status).toBe(1);
      expect(JSON.parse(r.stdout).error).toMatchObject({
        code: 'CAPABILITY_DENIED',
        details: { capability: 'filesystem', target: '/data/orders.csv', reason: expect.stringMatching(/FIFO/) },
      });
    } finally {
      release(ws.csv);
    }
  });
});

/** A worker whose own I/O thread is blocked opening `fifo` for reading, as the shim's would be. */
async function stuckWorker(fifo: string): Promise<Worker> {
  const source = `
    const { Worker, parentPort, workerData } = require('node:worker_threads');
    const open = "const w = require('node:worker_threads'); w.parentPort.postMessage(1); require('node:fs').openSync(w.workerData, 'r')";
    const io = new Worker(open, { eval: true, workerData });
    io.on('message', () => setTimeout(() => parentPort.postMessage('blocked'), 500));
  `;
  const worker = new Worker(source, { eval: true, workerData: fifo });
  await once(worker, 'message');
  return worker;
}

describe('a worker stuck in a system call', () => {
  it('stops once the FIFO opens in its folders are released (what a plugin instance does)', async () => {
    const dir = tempDir('dativo-stuck-');
    mkdirSync(join(dir, 'sub'));
    const fifo = join(dir, 'sub', 'pipe');
    execFileSync('mkfifo', [fifo]);
    const worker = await stuckWorker(fifo);
    const before = abandonedWorkers();
    let released: string[] = [];
    try {
      expect(await stopWorker(worker, 2_000, () => (released = releaseBlockedFifoOpens([dir])))).toBe(true);
      expect(released).toEqual([fifo]);
      expect(abandonedWorkers()).toBe(before);
    } finally {
      release(fifo);
    }
  });

  it('is given up on after a bounded wait (stopWorker resolves false), and the host carries on', async () => {
    const fifo = join(tempDir('dativo-stuck-'), 'pipe');
    execFileSync('mkfifo', [fifo]);
    const worker = await stuckWorker(fifo);
    const before = abandonedWorkers();
    try {
      expect(await stopWorker(worker, 2_000)).toBe(false);
      expect(abandonedWorkers()).toBe(before + 1);
    } finally {
      release(fifo);
    }
    // Released, the thread ends and the termination the host gave up on completes.
    await once(worker, 'exit');
  });
});
