/**
 * A sandbox decision made at planning: a target folder (and the state folder) is never
 * also a plugin's grant. Files a plugin could write there would be read back by the host
 * as its own (commit manifests, state, folder names); files it could read there belong
 * to other streams and runs.
 */
import { resolve } from 'node:path';
import type { Job } from '../config/job.js';
import { isWithin } from './filesystem/containment.js';

const overlap = (a: string, b: string): boolean => isWithin(resolve(a), resolve(b)) || isWithin(resolve(b), resolve(a));

type Fail = (key: string, message: string, code?: string) => never;

export function checkGrantsApart(job: Job, streams: { name: string; bindings: Record<string, string> }[], fail: Fail): void {
  const grants: { what: string; host: string; writable: boolean }[] = [];
  for (const s of streams) for (const [guest, host] of Object.entries(s.bindings)) grants.push({ what: `the reader's ${guest} of stream "${s.name}"`, host, writable: false });
  // (A manifest never names host folders: config/manifest.ts refuses them.)
  // A writer plugin's /out is the local path: the plugin's own folder, not a host target.
  if (job.paths.targetPlugin && job.paths.localTarget) grants.push({ what: "the writer plugin's /out", host: job.paths.localTarget, writable: true });

  for (const g of grants) {
    if (!job.paths.targetPlugin && job.paths.localTarget && overlap(g.host, job.paths.localTarget)) {
      fail('target.connection.local.path', `${job.paths.localTarget} overlaps ${g.what} (${g.host}): a target folder must not be a plugin's grant`, 'CONFIG_GRANT_OVERLAP');
    }
    if (g.writable && overlap(g.host, job.paths.stateDir)) {
      fail('state.path', `${job.paths.stateDir} overlaps ${g.what} (${g.host}), which the plugin can write: move the state folder out of it`, 'CONFIG_GRANT_OVERLAP');
    }
  }
}
