import { parseArgs } from 'node:util';
import { DEFAULT_LIMITS } from '../../config/manifest.js';
import { approvePlugin, revokePlugin } from '../../capabilities/review/approve.js';
import { DESCRIPTION, type CapabilityGroup } from '../../capabilities/review/capability-groups.js';
import { describeDifference } from '../../capabilities/review/differences.js';
import { reviewPlugin, type PluginReview } from '../../capabilities/review/review.js';
import { printJson } from '../output.js';
import { UsageError } from '../usage-error.js';

export const reviewUsage = `  review PATH [--json] [--lock FILE]
                       show what a plugin (its folder, plugin.yaml or component) really
                       imports, what it is granted, findings, and what changed since the
                       lock's approval (default lock: registry/plugins.lock.yaml)
  approve PATH --reviewer NAME --key FILE [--note TEXT] [--accept ID]... [--lock FILE]
                       sign and write the approval of exactly what \`review\` shows
  revoke NAME[@VERSION] [--by NAME] [--reason TEXT] [--lock FILE]
                       remove an approval, keeping a revocation record`;

export async function reviewCommand(args: string[]): Promise<number> {
  if (args.includes('--help')) return help();
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' }, lock: { type: 'string' } } });
  if (positionals.length !== 1) throw new UsageError('plugin review takes exactly one PATH');
  const review = await reviewPlugin(positionals[0]!, { lock: values.lock });
  if (values.json) printJson(review);
  else process.stdout.write(formatReview(review));
  return 0;
}

export async function approveCommand(args: string[]): Promise<number> {
  if (args.includes('--help')) return help();
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      reviewer: { type: 'string' }, note: { type: 'string' }, key: { type: 'string' }, lock: { type: 'string' },
      accept: { type: 'string', multiple: true }, json: { type: 'boolean' },
    },
  });
  if (positionals.length !== 1) throw new UsageError('plugin approve takes exactly one PATH');
  if (!values.reviewer) throw new UsageError('plugin approve needs --reviewer NAME');
  const key = values.key ?? process.env.DATIVO_REVIEW_KEY;
  if (!key) throw new UsageError('plugin approve needs --key FILE (or DATIVO_REVIEW_KEY): a private key from `dativo-host keys generate`');
  const r = await approvePlugin(positionals[0]!, { reviewer: values.reviewer, note: values.note, key, lock: values.lock, accept: values.accept });
  if (values.json) printJson({ approval: r.approval, replaced: r.replaced ?? null, lock: r.lock });
  else {
    const a = r.approval;
    process.stdout.write(`${r.replaced ? 'replaced' : 'approved'}: ${a.name}@${a.version} sha256 ${a.sha256} by ${a.reviewer} (key ${a.key_id}) in ${r.lock}\n`);
  }
  return 0;
}

export async function revokeCommand(args: string[]): Promise<number> {
  if (args.includes('--help')) return help();
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { by: { type: 'string' }, reason: { type: 'string' }, lock: { type: 'string' }, json: { type: 'boolean' } },
  });
  if (positionals.length !== 1) throw new UsageError('plugin revoke takes exactly one NAME[@VERSION]');
  const r = await revokePlugin(positionals[0]!, { lock: values.lock, by: values.by, reason: values.reason });
  if (values.json) printJson(r);
  else for (const x of r.revoked) process.stdout.write(`revoked: ${x.name}@${x.version} sha256 ${x.sha256} in ${r.lock}\n`);
  return 0;
}

function help(): number {
  process.stdout.write(`Usage: dativo-host plugin review|approve|revoke (docs/reviewing-plugins.md)\n\n${reviewUsage}\n`);
  return 0;
}

/** The review as a reviewer reads it. */
export function formatReview(r: PluginReview): string {
  const p = r.plugin;
  const lines: string[] = [];
  const row = (k: string, v: string) => lines.push(`  ${k.padEnd(10)} ${v}`);
  lines.push(`plugin ${p.name}${p.version ? ` ${p.version}` : ''}${p.kind ? ` (${p.kind})` : ''}`);
  row('component', p.component);
  if (p.manifest) row('manifest', p.manifest);
  row('sha256', `${p.sha256} (${p.size} bytes)`);
  row('built for', `${p.builtFor ? `dativo:plugin ${p.builtFor}` : 'no dativo:plugin export'}${p.manifestContract ? ` (manifest: ${p.manifestContract})` : ''}`);
  row('language', p.language.join(', ') || 'not recorded');
  row('toolchain', p.toolchain.join(', ') || 'not recorded');
  lines.push('', 'imports (from the component)');
  for (const [group, names] of Object.entries(r.imports)) {
    lines.push(`  ${DESCRIPTION[group as CapabilityGroup]}`, ...names!.map((n) => `    ${n}`));
  }
  lines.push('', 'exports', ...r.exports.map((e) => `  ${e}`));
  lines.push('', `grants asked${p.manifest ? ' (manifest)' : ': none (no manifest)'}`);
  const c = r.capabilities;
  for (const f of c.filesystem) row('filesystem', `${f.guest} (${f.access})`);
  for (const kind of ['http', 'tcp', 'env', 'secrets'] as const) for (const e of c[kind]) row(kind, e);
  if (Object.keys(r.limits).length) {
    lines.push('', 'limits');
    for (const [k, v] of Object.entries(r.limits)) {
      const def = DEFAULT_LIMITS[k as keyof typeof DEFAULT_LIMITS];
      lines.push(`  ${k.padEnd(25)} ${v}${def !== undefined && v !== def ? ` (default ${def})` : ''}`);
    }
  }
  lines.push('', r.findings.length ? 'findings' : 'findings: none');
  for (const f of r.findings) {
    lines.push(`  ${f.severity.toUpperCase().padEnd(6)} ${f.id}${f.blocking ? ' [blocks approval]' : ''}`, `         ${f.message}`);
  }
  const a = r.approval;
  lines.push('');
  if (!a) lines.push(`no approval of ${p.name} in ${r.lock}`);
  else {
    lines.push(`since the approval of ${a.version} by ${a.reviewer} at ${a.approvedAt} (${r.lock}):`);
    if (a.changes.length === 0) lines.push('  no changes');
    for (const d of a.changes) lines.push(`  ${describeDifference(d)}`);
  }
  return `${lines.join('\n')}\n`;
}
