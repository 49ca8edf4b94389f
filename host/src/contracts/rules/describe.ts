import type { NotEnforced } from './model.js';

/** One line for the one-time warning about rules the host does not run. */
export function describeNotEnforced(stream: string, rules: NotEnforced[]): string {
  const each = rules.map(
    (r) =>
      `${r.field !== undefined ? `field "${r.field}"` : 'object'}: ${r.type} ${r.rule}: ${r.reason}`,
  );
  return `stream "${stream}": ${rules.length} data quality rule${rules.length > 1 ? 's' : ''} of the contract not enforced: ${each.join('; ')}`;
}
