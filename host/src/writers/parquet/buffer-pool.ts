/**
 * ArrayBuffers the encoder threads hand back once they have encoded an IPC stream, reused
 * for the next streams the main thread builds.
 *
 * Without it every batch was a fresh ~1 MB allocation on the main thread, freed only
 * when an encoder thread (which allocates little JavaScript, so collects rarely) got
 * round to collecting its dead copy: through a 10 M-row run the main thread's malloc
 * heap grew by ~60 MB of such buffers waiting to be freed.
 */
export class BufferPool {
  readonly #free: ArrayBuffer[] = [];

  constructor(private readonly maxSpare = 8) {}

  /** `length` bytes (contents undefined) over a spare buffer large enough, or a new one. */
  take(length: number): Uint8Array {
    const i = this.#free.findIndex((b) => b.byteLength >= length);
    if (i >= 0) return new Uint8Array(this.#free.splice(i, 1)[0]!, 0, length);
    // Headroom, so that the next stream, a little longer, still fits this buffer.
    return new Uint8Array(Buffer.allocUnsafeSlow(Math.ceil(length * 1.0625)).buffer, 0, length);
  }

  /** A buffer nothing uses any more. */
  put(buffer: ArrayBuffer): void {
    if (this.#free.length < this.maxSpare && buffer.byteLength > 0) this.#free.push(buffer);
  }

  get spare(): number {
    return this.#free.length;
  }
}
