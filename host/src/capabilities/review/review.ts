import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { loadManifest, type PluginManifest } from '../../config/manifest.js';
import { ConfigError } from '../../errors/index.js';
import { contractVersionOf } from '../../runtime/contract.js';
import { groupImports, type CapabilityGroup } from './capability-groups.js';
import { capabilitiesOf, grantDifferences, importDifferences, type Difference } from './differences.js';
import { findingsOf, type Finding } from './findings.js';
import { inspectComponent, type ComponentInspection } from './inspect-component.js';
import { DEFAULT_LOCK, readLock, type ApprovedCapabilities, type Approval } from './lock-file.js';

/** What `plugin review` shows: read from the component itself, set against its manifest. */
export interface PluginReview {
  plugin: {
    name: string;
    version?: string;
    kind?: string;
    /** The dativo:plugin version the component exports (e.g. reader@0.1.0), from the binary. */
    builtFor?: string;
    manifestContract?: string;
    sha256: string;
    size: number;
    component: string;
    manifest?: string;
    language: string[];
    toolchain: string[];
  };
  imports: Partial<Record<CapabilityGroup, string[]>>;
  exports: string[];
  /** The manifest's grants as written (placeholders unfilled); empty without a manifest. */
  capabilities: ApprovedCapabilities;
  limits: Record<string, number>;
  findings: Finding[];
  /** The lock's approval of this name, and what is new since (empty: nothing widened). */
  approval?: { version: string; sha256: string; reviewer: string; approvedAt: string; changes: Difference[] };
  lock: string;
}

export interface ReviewOptions {
  lock?: string;
}

/** PATH may be a component, a plugin folder (its dist/plugin.yaml first) or a plugin.yaml. */
export function resolveSubmission(path: string): { manifest?: PluginManifest; component: string } {
  const abs = resolve(path);
  if (!existsSync(abs)) throw new ConfigError('CONFIG_NOT_FOUND', `${abs} does not exist`, { details: { file: abs } });
  if (abs.endsWith('.wasm')) return { component: abs };
  let file = abs;
  if (statSync(abs).isDirectory()) {
    file = [join(abs, 'dist', 'plugin.yaml'), join(abs, 'plugin.yaml')].find((f) => existsSync(f)) ?? '';
    if (!file) throw new ConfigError('CONFIG_NOT_FOUND', `${abs} has no dist/plugin.yaml or plugin.yaml (build it first: dativo-host plugin build ${path})`);
  }
  const manifest = loadManifest(file);
  return { manifest, component: manifest.componentPath };
}

export async function inspectSubmission(path: string): Promise<{ manifest?: PluginManifest; component: string; inspection: ComponentInspection }> {
  const { manifest, component } = resolveSubmission(path);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(component);
  } catch (e) {
    throw new ConfigError('PLUGIN_COMPONENT_NOT_FOUND', `component ${component} cannot be read: ${(e as Error).message}`, { details: { file: component } });
  }
  return { manifest, component, inspection: await inspectComponent(bytes, manifest?.name) };
}

/** The review of one submission (library form of `dativo-host plugin review`). */
export async function reviewPlugin(path: string, opts: ReviewOptions = {}): Promise<PluginReview> {
  const { manifest, component, inspection } = await inspectSubmission(path);
  const lockFile = resolve(opts.lock ?? DEFAULT_LOCK);
  const name = manifest?.name ?? basename(component).replace(/\.wasm$/, '');
  const built = contractVersionOf(inspection.exports);
  const capabilities = manifest ? capabilitiesOf(manifest) : { filesystem: [], http: [], tcp: [], env: [], secrets: [] };
  const limits: Record<string, number> = manifest ? { ...manifest.limits } : {};
  const review: PluginReview = {
    plugin: {
      name,
      version: manifest?.version,
      kind: manifest?.kind,
      builtFor: built ? `${built.world}@${built.version}` : undefined,
      manifestContract: manifest?.contract,
      sha256: inspection.sha256,
      size: inspection.size,
      component,
      manifest: manifest?.file,
      language: inspection.producers.language,
      toolchain: [...inspection.producers.processedBy, ...inspection.producers.sdk],
    },
    imports: groupImports(inspection.imports),
    exports: inspection.exports,
    capabilities,
    limits,
    findings: findingsOf(manifest, inspection.imports, inspection.sha256),
    lock: lockFile,
  };
  if (manifest && manifest.kind !== 'command') {
    const asked = `${manifest.kind}@${manifest.contract}`;
    if (review.plugin.builtFor !== asked) {
      review.findings.unshift({
        id: 'contract-mismatch',
        severity: 'high',
        blocking: true,
        message: `the manifest says ${asked}, the component exports ${review.plugin.builtFor ?? 'no dativo:plugin world'}: the host refuses to load it`,
      });
    }
  }
  const previous = latestApproval(readLock(lockFile).approvals, name);
  if (previous) review.approval = { ...summary(previous), changes: changesSince(previous, inspection, capabilities, limits, manifest?.version) };
  return review;
}

const summary = (a: Approval) => ({ version: a.version, sha256: a.sha256, reviewer: a.reviewer, approvedAt: a.approved_at });

/** The newest approval of a plugin name (approvals of several versions may coexist). */
export function latestApproval(approvals: Approval[], name: string): Approval | undefined {
  return approvals.filter((a) => a.name === name).sort((x, y) => (x.approved_at < y.approved_at ? 1 : -1))[0];
}

function changesSince(a: Approval, c: ComponentInspection, caps: ApprovedCapabilities, limits: Record<string, number>, version?: string): Difference[] {
  const out: Difference[] = [];
  if (a.sha256 !== c.sha256) out.push({ kind: 'digest', entry: 'sha256', approved: a.sha256, now: c.sha256 });
  if (version !== undefined && a.version !== version) out.push({ kind: 'version', entry: 'version', approved: a.version, now: version });
  out.push(...grantDifferences(a, { capabilities: caps, limits }), ...importDifferences(a.imports, c.imports));
  return out;
}
