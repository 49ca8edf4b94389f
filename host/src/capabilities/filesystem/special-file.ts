import { lstatSync, statSync } from 'node:fs';

/**
 * The kind of special file at `host` (a FIFO, socket or device), undefined for anything
 * else or nothing. Opening a FIFO blocks the shim's I/O thread until a writer comes, and
 * a blocked thread cannot be terminated, so no special file is ever opened for a guest.
 */
export function specialFileKind(host: string, follow: boolean): string | undefined {
  let st;
  try {
    st = follow ? statSync(host) : lstatSync(host);
  } catch {
    return undefined;
  }
  if (st.isFIFO()) return 'FIFO';
  if (st.isSocket()) return 'socket';
  if (st.isCharacterDevice()) return 'character device';
  if (st.isBlockDevice()) return 'block device';
  return undefined;
}
