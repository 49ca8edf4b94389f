import { closeSync, constants, lstatSync, openSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Entries looked at, at most, when searching granted folders for FIFOs. */
const MAX_ENTRIES = 100_000;

/**
 * Releases every open() blocked on a FIFO under `folders` (the granted host folders of
 * an instance whose worker will not stop): opening a FIFO's other end without blocking
 * lets a blocked reader's (or writer's) open return, so the thread can end. The guard
 * never opens a FIFO, but one put in place by another process between its check and the
 * shim's open would block the shim's I/O thread for good. Returns the FIFOs released.
 */
export function releaseBlockedFifoOpens(folders: string[]): string[] {
  const released: string[] = [];
  let seen = 0;
  const visit = (p: string): void => {
    if (++seen > MAX_ENTRIES) return;
    let st;
    try {
      st = lstatSync(p);
    } catch {
      return;
    }
    if (st.isFIFO()) {
      if (release(p)) released.push(p);
    } else if (st.isDirectory()) {
      let names: string[];
      try {
        names = readdirSync(p);
      } catch {
        return;
      }
      for (const name of names) visit(join(p, name));
    }
  };
  for (const folder of folders) visit(folder);
  return released;
}

/** True if someone was waiting on either end of the FIFO. */
function release(fifo: string): boolean {
  let waiting = false;
  // O_WRONLY|O_NONBLOCK succeeds only while a reader is there (ENXIO otherwise);
  // O_RDONLY|O_NONBLOCK always succeeds, and releases a writer blocked in its open.
  for (const flags of [constants.O_WRONLY, constants.O_RDONLY]) {
    try {
      closeSync(openSync(fifo, flags | constants.O_NONBLOCK | constants.O_NOFOLLOW));
      if (flags === constants.O_WRONLY) waiting = true;
    } catch {
      // nobody reading
    }
  }
  return waiting;
}
