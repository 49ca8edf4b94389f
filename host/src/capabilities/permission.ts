/**
 * One generic permission check for every capability (after Deno's permissions):
 * an allow list and a deny list of patterns; deny wins; a check names the API that
 * asked, and a denial says which manifest line would allow the target.
 */
export interface PermissionKind<P, T> {
  /** The capability this kind guards, as it appears in errors and audit records. */
  readonly capability: import('../errors/index.js').CapabilityName;
  matches(pattern: P, target: T): boolean;
  describe(target: T): string;
  /** The manifest line that would allow `target`. */
  allowWith(target: T): string;
}

export type Decision = { allowed: true } | { allowed: false; reason: string };

export class Permission<P, T> {
  constructor(
    readonly kind: PermissionKind<P, T>,
    readonly allow: readonly P[],
    readonly deny: readonly P[] = [],
  ) {}

  check(target: T): Decision {
    if (this.deny.some((p) => this.kind.matches(p, target))) return { allowed: false, reason: 'matches a deny rule' };
    if (this.allow.some((p) => this.kind.matches(p, target))) return { allowed: true };
    return { allowed: false, reason: this.allow.length === 0 ? 'nothing of this kind is granted' : 'not in the allow list' };
  }
}

/** Exact names (environment variables, secrets). */
export const nameKind = (capability: 'env' | 'secrets', key: string): PermissionKind<string, string> => ({
  capability,
  matches: (p, t) => p === t,
  describe: (t) => t,
  allowWith: (t) => `capabilities.${key}: [${t}]`,
});
