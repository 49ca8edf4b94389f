import type { PluginManifest } from '../../config/manifest.js';
import { hostMatches, parseOriginPattern } from '../http/origin.js';
import { splitHostPort } from '../grant.js';
import { unversioned } from './inspect-component.js';
import type { ApprovedCapabilities, Approval } from './lock-file.js';

/** One way a plugin now asks for more than its approval covers. */
export interface Difference {
  kind: 'digest' | 'version' | 'grant' | 'import' | 'limit';
  capability?: string;
  entry: string;
  approved?: string;
  now?: string;
}

/** The manifest's grants in the approval's shape (what an approval records). */
export function capabilitiesOf(m: PluginManifest): ApprovedCapabilities {
  const c = m.capabilities;
  return {
    filesystem: c.filesystem.map((f) => ({ guest: f.guest, access: f.access })),
    http: [...c.http],
    tcp: [...c.tcp],
    env: [...c.env],
    secrets: [...c.secrets],
  };
}

const originCovers = (approved: string, entry: string): boolean => {
  if (approved === entry) return true;
  let a, e;
  try {
    a = parseOriginPattern(approved);
    e = parseOriginPattern(entry);
  } catch {
    return false;
  }
  // A placeholder host is covered only by the same template (or a host of `*`).
  if (e.host.includes('{{') && a.host !== '*') return false;
  const scheme = a.scheme === '*' || a.scheme === e.scheme;
  return scheme && hostMatches(a.host, e.host) && (a.port === '*' || a.port === e.port);
};

const tcpCovers = (approved: string, entry: string): boolean => {
  const [ah, ap] = splitHostPort(approved);
  const [eh, ep] = splitHostPort(entry);
  return hostMatches(ah, eh) && ap === ep;
};

/**
 * Everything in `now` that `approved` does not cover: a new or wider grant, a raised
 * limit. A narrower manifest has no differences (narrowing needs no review).
 */
export function grantDifferences(
  approved: Pick<Approval, 'capabilities' | 'limits'>,
  now: { capabilities: ApprovedCapabilities; limits: Record<string, number> },
): Difference[] {
  const out: Difference[] = [];
  const a = approved.capabilities;
  for (const f of now.capabilities.filesystem) {
    const same = a.filesystem.find((x) => x.guest === f.guest);
    if (!same) out.push({ kind: 'grant', capability: 'filesystem', entry: `${f.guest} (${f.access})` });
    else if (f.access === 'read-write' && same.access === 'read') {
      out.push({ kind: 'grant', capability: 'filesystem', entry: f.guest, approved: 'read', now: 'read-write' });
    }
  }
  const lists = [
    ['http', (x: string, e: string) => originCovers(x, e)],
    ['tcp', tcpCovers],
    ['env', (x: string, e: string) => x === e],
    ['secrets', (x: string, e: string) => x === e],
  ] as const;
  for (const [cap, covers] of lists) {
    for (const e of now.capabilities[cap]) {
      if (!a[cap].some((x) => covers(x, e))) out.push({ kind: 'grant', capability: cap, entry: e });
    }
  }
  for (const [key, value] of Object.entries(now.limits)) {
    const was = approved.limits[key];
    if (was === undefined || value > was) {
      out.push({ kind: 'limit', entry: key, approved: was === undefined ? 'not approved' : String(was), now: String(value) });
    }
  }
  return out;
}

/** Imports not in the approval's list (compared without versions when `now` has none). */
export function importDifferences(approvedImports: string[], now: string[]): Difference[] {
  const exact = new Set(approvedImports);
  const bare = new Set(approvedImports.map(unversioned));
  return now
    .filter((i) => !(i.includes('@') ? exact.has(i) : bare.has(i)))
    .map((i) => ({ kind: 'import' as const, entry: i }));
}

export function describeDifference(d: Difference): string {
  switch (d.kind) {
    case 'digest':
      return `component sha256 ${d.now} (approved: ${d.approved})`;
    case 'version':
      return `version ${d.now} (approved: ${d.approved})`;
    case 'grant':
      return d.approved
        ? `${d.capability} ${d.entry}: ${d.now} (approved: ${d.approved})`
        : `new ${d.capability} grant ${d.entry}`;
    case 'import':
      return `new import ${d.entry}`;
    case 'limit':
      return `limit ${d.entry} ${d.now} (approved: ${d.approved})`;
  }
}
