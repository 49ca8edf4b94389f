import type { CapabilityPolicy } from './grant.js';
import type { ReviewPolicy } from './review/enforce.js';

/**
 * What a job hands to loadPlugin: its capability ceiling, whether plugins need a signed
 * approval (capabilities/review/), and its plugin configs, which fill grant placeholders.
 */
export interface JobPolicy extends CapabilityPolicy {
  review?: ReviewPolicy;
  /** By plugin kind: source.config for the reader, target.config for a writer plugin. */
  config?: { reader?: Record<string, unknown>; writer?: Record<string, unknown> };
}
