import { HostError } from './host-error.js';

export type CapabilityName = 'filesystem' | 'http' | 'sockets' | 'env' | 'secrets' | 'stdio';

export interface Denial {
  plugin: string;
  capability: CapabilityName;
  /** What the plugin tried to reach: a path, a URL, host:port, a name. */
  target: string;
  /** The API that asked, e.g. "wasi:filesystem/types.descriptor.open-at". */
  api: string;
  /** Why the check said no, in a few words. */
  reason: string;
  /** The manifest line that would allow it (as Spin prints it). */
  allowWith: string;
}

/** A plugin tried to use something its effective grant does not include. */
export class CapabilityDeniedError extends HostError {
  readonly denial: Denial;

  constructor(denial: Denial, opts: { cause?: unknown } = {}) {
    super(
      'CAPABILITY_DENIED',
      'sandbox',
      `plugin "${denial.plugin}" was denied ${denial.capability} access to ${denial.target} ` +
        `(${denial.reason}; ${denial.api}). To allow it, add to the plugin manifest: ${denial.allowWith}`,
      { details: { ...denial }, cause: opts.cause },
    );
    this.denial = denial;
  }
}
