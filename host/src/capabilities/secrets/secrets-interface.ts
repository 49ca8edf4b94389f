import type { SandboxContext } from '../context.js';
import { nameKind, Permission } from '../permission.js';

/**
 * dativo:plugin/secrets for one instance. Only names the grant declares are readable;
 * values were resolved by the host from the job's secret manager before the instance
 * started, and every read is audited (the name, never the value).
 */
export function createSecretsInterface(granted: string[], values: Record<string, string>, ctx: SandboxContext, manager?: string) {
  const permission = new Permission(nameKind('secrets', 'secrets'), granted);
  return {
    get(name: string): string {
      const decision = permission.check(name);
      if (!decision.allowed) {
        ctx.deny({
          capability: 'secrets',
          target: name,
          api: 'dativo:plugin/secrets.get',
          reason: `secret not declared: ${decision.reason}`,
          allowWith: permission.kind.allowWith(name),
        });
        throw { kind: 'auth', code: 'CAPABILITY_DENIED', message: `secret "${name}" is not granted`, retryable: false, retryAfterMs: undefined };
      }
      const value = values[name];
      ctx.audit('secret.read', { secret: name, found: value !== undefined });
      if (value === undefined) {
        throw { kind: 'auth', code: 'SECRET_NOT_FOUND', message: `secret "${name}" is not set in the job's secret manager${manager ? ` (${manager})` : ''}`, retryable: false, retryAfterMs: undefined };
      }
      return value;
    },
  };
}
