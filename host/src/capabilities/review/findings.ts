import { isIP } from 'node:net';
import { DEFAULT_LIMITS, type PluginManifest } from '../../config/manifest.js';
import { isRestrictedAddress } from '../sockets/addresses.js';
import { splitHostPort } from '../grant.js';
import { GRANT_OF, groupOf, type CapabilityGroup } from './capability-groups.js';
import { PLACEHOLDER } from '../placeholders.js';

export type Severity = 'high' | 'medium' | 'low' | 'info';

/** One thing a reviewer must look at; `blocking` ones stop `plugin approve` unless accepted. */
export interface Finding {
  /** Stable id, what `plugin approve --accept` names: e.g. unused-grant:http. */
  id: string;
  severity: Severity;
  blocking: boolean;
  message: string;
}

const GRANT_GROUP: Record<'filesystem' | 'http' | 'tcp' | 'env' | 'secrets', CapabilityGroup> = {
  filesystem: 'filesystem',
  http: 'http',
  tcp: 'sockets-tcp',
  env: 'environment',
  secrets: 'dativo-secrets',
};

const restrictedHost = (host: string): boolean => {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  return isIP(h) !== 0 && isRestrictedAddress(h);
};

const hostOfOrigin = (origin: string): { host: string; port: string; scheme: string } | undefined => {
  const m = /^([a-z*]+):\/\/(\[[^\]]+\]|[^:/]+)(?::(\d+|\*))?$/i.exec(origin);
  return m ? { scheme: m[1]!, host: m[2]!, port: m[3] ?? '' } : undefined;
};

/** The findings of a manifest against the imports its component really has. */
export function findingsOf(manifest: PluginManifest | undefined, imports: string[], digest: string): Finding[] {
  const out: Finding[] = [];
  const add = (id: string, severity: Severity, message: string, blocking = false) =>
    out.push({ id, severity, blocking, message });
  const groups = new Set(imports.map(groupOf));
  const caps = manifest?.capabilities;

  if (manifest && manifest.sha256 !== digest) {
    add('digest-mismatch', 'high', `the manifest's sha256 ${manifest.sha256} is not the component's (${digest}): the host refuses to load it`, true);
  }
  for (const name of imports.filter((i) => groupOf(i) === 'other')) {
    add(`unknown-import:${name}`, 'medium', `imports ${name}, which this host does not provide: instantiation will fail`);
  }
  for (const [kind, group] of Object.entries(GRANT_GROUP) as [keyof typeof GRANT_GROUP, CapabilityGroup][]) {
    const entries = caps?.[kind] ?? [];
    if (entries.length > 0 && !groups.has(group)) {
      const shown = entries.map((e) => (typeof e === 'string' ? e : e.guest)).join(', ');
      add(`unused-grant:${kind}`, 'high', `asks for ${kind} (${shown}) but the component imports no ${group} interface: drop the grant before approval`, true);
    }
  }
  for (const [group, grant] of Object.entries(GRANT_OF) as [CapabilityGroup, string][]) {
    if (!groups.has(group)) continue;
    if (grant === 'none') add(`ungranted-import:${group}`, 'low', `imports ${group}: no grant exists for it, every call is refused at run time`);
    else if ((caps?.[grant as keyof typeof GRANT_GROUP] ?? []).length === 0) {
      add(`ungranted-import:${group}`, 'low', `imports ${group} with no ${grant} grant: every call is refused at run time (CAPABILITY_DENIED)`);
    }
  }
  for (const f of caps?.filesystem ?? []) {
    if (f.access === 'read-write') add(`read-write:${f.guest}`, 'medium', `read-write filesystem at ${f.guest}: the plugin can create, change and delete files in the folder the job binds there`);
  }
  for (const e of caps?.http ?? []) {
    if (PLACEHOLDER.test(e)) {
      add(`placeholder:http:${e}`, 'info', `${e}: each job's config chooses the origin; the job's policy.http must allow the concrete one`);
      continue;
    }
    const o = hostOfOrigin(e);
    if (!o) continue;
    if (o.scheme === '*' || o.host.includes('*') || o.port === '*') add(`wildcard:http:${e}`, 'medium', `wildcard HTTP grant ${e}: reaches every matching origin`);
    if (restrictedHost(o.host)) add(`private-address:http:${e}`, 'medium', `HTTP grant ${e} names a loopback or private address`);
    if (o.scheme === 'http') add(`plain-http:${e}`, 'low', `HTTP grant ${e} is unencrypted`);
  }
  for (const e of caps?.tcp ?? []) {
    const [host] = splitHostPort(e);
    add(`tcp:${e}`, 'medium', `raw TCP to ${e}: the host sees bytes, not requests`);
    if (host.includes('*')) add(`wildcard:tcp:${e}`, 'medium', `wildcard TCP grant ${e}`);
    if (restrictedHost(host)) add(`private-address:tcp:${e}`, 'medium', `TCP grant ${e} names a loopback or private address`);
  }
  for (const e of caps?.env ?? []) add(`env:${e}`, 'low', `reads environment variable ${e}`);
  for (const s of caps?.secrets ?? []) add(`secret:${s}`, 'low', `reads secret ${s} from the job's secret manager`);
  if (manifest) {
    for (const [key, value] of Object.entries(manifest.limits)) {
      const def = DEFAULT_LIMITS[key as keyof typeof DEFAULT_LIMITS];
      if (def !== undefined && value > def) add(`limit:${key}`, 'low', `limit ${key} ${value} is above the default ${def}`);
    }
  }
  return out;
}
