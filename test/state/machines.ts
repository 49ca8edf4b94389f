/**
 * Two working folders with no shared local file stand in for two machines running the
 * same incremental job (tenant acme, job "job"): each has its own copy of the source
 * (the same generated rows, appended to both), its own job file, state folder and
 * secrets; only the target (and the state backend under test) is shared.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { createLogger, MemoryLogDestination } from '../../host/src/logging/logger.js';
import { runJob, type RunSummary } from '../../host/src/pipeline/run-job.js';
import { REPO } from '../helpers/fixtures.js';
import { generateOrders, jobWorkspace, type JobWorkspace } from '../helpers/job.js';

export interface Machines {
  a: JobWorkspace;
  b: JobWorkspace;
  /** Rows 1..total are in both sources. */
  total: number;
  addRows(n: number): void;
  /** Runs the job in this process on one machine; the log records are kept. */
  run(m: JobWorkspace): Promise<{ summary: RunSummary; logs: MemoryLogDestination }>;
  /** `dativo-host run` in a child process, killed at a crash point; resolves to its signal. */
  runKilled(m: JobWorkspace, crashPoint: string, env?: Record<string, string>): Promise<string | null>;
  /** `dativo-host ARGS` in a child process (never blocks this one: s3rver answers from here). */
  cli(args: string[], env?: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }>;
}

export function twoMachines(rows: number, job: Record<string, unknown>, secrets?: Record<string, string>): Machines {
  const a = jobWorkspace(rows);
  const b = jobWorkspace(rows);
  for (const m of [a, b]) {
    if (secrets) writeFileSync(join(m.dir, 'secrets.yaml'), Object.entries(secrets).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join('\n'));
    m.writeJob({
      source: { plugin: join(REPO, 'plugins-rust/csv-reader/dist/plugin.yaml'), objects: ['orders'], files: ['data/orders.csv'], config: { batch_rows: 500 }, incremental: { strategy: 'cursor', cursor_field: 'order_id' } },
      ...(secrets ? { secrets: { manager: 'file', path: 'secrets.yaml' } } : {}),
      ...job,
    });
  }
  let total = rows;
  const child = (args: string[], env: Record<string, string>) =>
    new Promise<{ status: number | null; signal: string | null; stdout: string; stderr: string }>((resolve) => {
      const c = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'test/helpers/cli.ts'), ...args], { cwd: REPO, env: { ...process.env, DATIVO_LOG_LEVEL: 'warn', ...env } });
      let stdout = '';
      let stderr = '';
      c.stdout.on('data', (d) => (stdout += d));
      c.stderr.on('data', (d) => (stderr += d));
      c.on('exit', (status, signal) => resolve({ status, signal, stdout, stderr }));
    });
  return {
    a,
    b,
    get total() {
      return total;
    },
    addRows(n) {
      for (const m of [a, b]) generateOrders(m.csv, n, total + 1);
      total += n;
    },
    async run(m) {
      const logs = new MemoryLogDestination();
      return { summary: await runJob(m.jobFile, { logger: createLogger({ destination: logs }) }), logs };
    },
    async runKilled(m, crashPoint, env = {}) {
      return (await child(['run', m.jobFile], { ...env, DATIVO_CRASH_POINT: crashPoint })).signal;
    },
    cli: (args, env = {}) => child(args, env),
  };
}

/** Each id once, in order: [1..n] exactly when no row is lost or duplicated. */
export const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
export const sorted = (ids: number[]) => [...ids].sort((x, y) => x - y);

/** The job's latest commit manifest (by seq), from its JSON texts. */
export const latest = (texts: string[]) => texts.map((t) => JSON.parse(t)).sort((x, y) => x.seq - y.seq).at(-1);

/**
 * Six runs alternating a, b, a, ... with new rows before each; run `killAt` is SIGKILLed
 * at `point` (past the commit point), so the next run, on the other machine, finishes it.
 * `env` goes to the killed run's child process (the S3 credentials).
 */
export async function alternate(m: Machines, killAt: number, point: string, env: Record<string, string> = {}): Promise<void> {
  for (let i = 0; i < 6; i++) {
    if (i > 0) m.addRows(700 + i * 50);
    const machine = i % 2 === 0 ? m.a : m.b;
    if (i === killAt) {
      expect(await m.runKilled(machine, point, env)).toBe('SIGKILL');
      continue;
    }
    const { summary } = await m.run(machine);
    expect(summary.state.backend).toBe('target');
    expect(summary.recovered).toHaveLength(i === killAt + 1 ? 1 : 0);
  }
}
