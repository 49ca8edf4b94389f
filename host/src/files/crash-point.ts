/**
 * Named points in the commit protocol where the crash tests kill the process
 * (DATIVO_CRASH_POINT=<name>), to prove that a run killed there loses nothing and
 * duplicates nothing. Unset, this does nothing.
 */
export type CrashPointName =
  | 'after-staging' | 'after-commit-point' | 'after-publish' | 'after-retire' | 'after-state'
  // targets/iceberg: manifests written, catalog committed (before state)
  | 'after-manifests' | 'after-catalog-commit';

export function crashPoint(name: CrashPointName): void {
  if (process.env.DATIVO_CRASH_POINT === name) process.kill(process.pid, 'SIGKILL');
}
