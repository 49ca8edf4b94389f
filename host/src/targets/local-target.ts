import { CommittedTarget } from './commit-protocol.js';
import { LocalStore } from './local-store.js';

/** A local directory target (the embedded default): the commit protocol on a folder. */
export class LocalTarget extends CommittedTarget {
  constructor(readonly root: string) {
    super(new LocalStore(root));
  }
}
