import type { Denial } from '../errors/index.js';

/**
 * What every capability implementation inside a plugin's worker reports to:
 * one per plugin instance, never shared, never process-global.
 */
export interface SandboxContext {
  readonly plugin: string;
  /** Records a denial: one audit record, and the error the current call fails with. */
  deny(denial: Omit<Denial, 'plugin'>): void;
  /** Any other audit event (secret reads, granted connections). */
  audit(event: string, fields: Record<string, unknown>): void;
}
