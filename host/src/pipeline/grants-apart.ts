/**
 * A target folder (and the state folder) is never also a plugin's grant: files a plugin
 * could write there would be read back by the host as its own (commit manifests, state,
 * folder names), and files it could read there belong to other streams and runs.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import type { Job } from '../config/job.js';
import { loadManifest } from '../config/manifest.js';

const overlap = (a: string, b: string): boolean => {
  const within = (root: string, p: string) => {
    const rel = relative(resolve(root), resolve(p));
    return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
  };
  return within(a, b) || within(b, a);
};

type Fail = (key: string, message: string, code?: string) => never;

export function checkGrantsApart(job: Job, streams: { name: string; bindings: Record<string, string> }[], readerManifest: string, fail: Fail): void {
  const grants: { what: string; host: string; writable: boolean }[] = [];
  for (const s of streams) for (const [guest, host] of Object.entries(s.bindings)) grants.push({ what: `the reader's ${guest} of stream "${s.name}"`, host, writable: false });
  for (const g of loadManifest(readerManifest).capabilities.filesystem) {
    if (g.host !== undefined) grants.push({ what: `the reader's ${g.guest} (its manifest)`, host: g.host, writable: g.access === 'read-write' });
  }
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
