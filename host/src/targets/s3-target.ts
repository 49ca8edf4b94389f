import { CommittedTarget } from './commit-protocol.js';
import { S3Store, type S3TargetOptions } from './s3-store.js';

export type { S3TargetOptions } from './s3-store.js';

/**
 * An S3 bucket and prefix as target, with the same protocol as the local folder. S3 has
 * no rename: commit copies each staged object to its final key, so the objects of a run
 * appear one by one during the commit; readers that must never see part of a run read
 * the commit manifests (as table formats do); after a crash, `recover` finishes the copy.
 */
export class S3Target extends CommittedTarget {
  constructor(opts: S3TargetOptions) {
    super(new S3Store(opts));
  }
}
