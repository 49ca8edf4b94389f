/**
 * One run at a time per tenant, job and target: a lock object under the target's
 * `_dativo/locks/<tenant>/<job>.json`, created only if absent (local: link(2); S3: a
 * conditional If-None-Match write), renewed while the run lasts (the lease), released at
 * the end. A lock whose holder is gone is taken over: on the same host when its pid no
 * longer runs, anywhere when its lease expired without renewal.
 */
import { hostname } from 'node:os';
import { TargetError } from './errors.js';
import type { TargetStore } from './store.js';

export interface RunLock {
  release(): Promise<void>;
}

export interface LockHolder {
  runId: string;
  pid: number;
  host: string;
  startedAt: string;
  renewedAt: string;
  leaseMs: number;
}

/** Default lease: a holder that has not renewed for this long is gone. */
export const DEFAULT_LEASE_MS = 120_000;

const pidAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

function parseHolder(text: string, key: string): LockHolder {
  try {
    const h = JSON.parse(text) as LockHolder;
    if (typeof h.runId === 'string' && Number.isInteger(h.pid) && typeof h.host === 'string' && typeof h.renewedAt === 'string' && Number.isFinite(h.leaseMs)) return h;
  } catch {
    /* below */
  }
  throw new TargetError('TARGET_CORRUPT', `${key}: not a lock the host wrote; remove it if no run of this job is running`, { details: { lock: key } });
}

export const isStale = (h: LockHolder, now = Date.now()): boolean =>
  (h.host === hostname() && !pidAlive(h.pid)) || now - Date.parse(h.renewedAt) > h.leaseMs;

export async function acquireRunLock(store: TargetStore, scope: { tenant: string; job: string }, runId: string, leaseMs = DEFAULT_LEASE_MS): Promise<RunLock> {
  const key = `_dativo/locks/${scope.tenant}/${scope.job}.json`;
  const startedAt = new Date().toISOString();
  const me = (): string => JSON.stringify({ runId, pid: process.pid, host: hostname(), startedAt, renewedAt: new Date().toISOString(), leaseMs } satisfies LockHolder);
  for (let attempt = 0; attempt < 3; attempt++) {
    let held = await store.writeIf(key, me(), { absent: true });
    if (!held) {
      const current = await store.read(key);
      if (current === undefined) continue; // released meanwhile
      const holder = parseHolder(current.text, key);
      if (!isStale(holder)) {
        throw new TargetError(
          'RUN_LOCKED',
          `another run of ${scope.tenant}/${scope.job} holds ${store.description}: run ${holder.runId}, pid ${holder.pid} on ${holder.host}, since ${holder.startedAt} (renewed ${holder.renewedAt})`,
          { details: { lock: key, holder } },
        );
      }
      held = await store.writeIf(key, me(), { version: current.version });
    }
    // Taking over a stale lock compares and replaces; read back who won.
    const now = await store.read(key);
    if (held && now !== undefined && parseHolder(now.text, key).runId === runId) return holding(store, key, runId, me, leaseMs);
  }
  throw new TargetError('RUN_LOCKED', `another run of ${scope.tenant}/${scope.job} took ${store.description} at the same moment`, { details: { lock: key } });
}

function holding(store: TargetStore, key: string, runId: string, me: () => string, leaseMs: number): RunLock {
  const ours = async () => {
    const now = await store.read(key).catch(() => undefined);
    return now !== undefined && parseHolder(now.text, key).runId === runId;
  };
  const timer = setInterval(() => {
    void ours().then((yes) => (yes ? store.write(key, me()) : undefined)).catch(() => undefined);
  }, Math.max(1000, leaseMs / 3));
  timer.unref();
  return {
    async release() {
      clearInterval(timer);
      if (await ours()) await store.delete(key);
    },
  };
}
