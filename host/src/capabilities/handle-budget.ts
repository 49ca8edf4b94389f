/**
 * How many host resources one instance may hold open at once, per kind. A guest that
 * never drops what it opens would otherwise exhaust the host process's descriptors
 * (EMFILE for every other instance and for the host itself).
 *
 * Filesystem handles: descriptors (each a host file descriptor on the shim's I/O thread),
 * file streams (each keeps its descriptor's fd and a read buffer), directory streams and
 * the pollables of file streams.
 */
export const MAX_OPEN_HANDLES = 1024;
/** TCP sockets (each a host socket once connected). */
export const MAX_SOCKETS = 256;
/**
 * wasi:http futures, responses and response bodies: a request holds a host socket from
 * `handle` until its response is read or dropped (about a third of this in flight).
 */
export const MAX_HTTP_HANDLES = 256;

const symbolDispose: symbol = (Symbol as { dispose?: symbol }).dispose ?? Symbol.for('dispose');

export class HandleBudget {
  #open = 0;

  constructor(readonly limit: number) {}

  get open(): number {
    return this.#open;
  }

  /** Room for one more handle? */
  get full(): boolean {
    return this.#open >= this.limit;
  }

  /** Counts `resource` until its dispose runs (jco calls it when the guest drops the handle). */
  track<T extends object>(resource: T): T {
    this.#open++;
    const own = resource as Record<symbol, (() => void) | undefined>;
    const dispose = own[symbolDispose];
    let released = false;
    Object.defineProperty(resource, symbolDispose, {
      configurable: true,
      writable: true,
      value: () => {
        if (!released) {
          released = true;
          this.#open--;
        }
        dispose?.call(resource);
      },
    });
    return resource;
  }
}
