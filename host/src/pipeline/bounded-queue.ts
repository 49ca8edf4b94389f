/**
 * A FIFO between the reader and the writer, bounded in bytes: the producer waits
 * while the queue holds `maxBytes` or more, so memory stays flat whatever the input
 * size. One item is always admitted into an empty queue, so a single large batch
 * cannot deadlock it.
 */
export class BoundedQueue<T> {
  #items: { item: T; bytes: number }[] = [];
  #bytes = 0;
  #closed = false;
  #error: unknown;
  #waitingConsumer: (() => void) | undefined;
  #waitingProducer: (() => void) | undefined;
  peakBytes = 0;

  constructor(readonly maxBytes: number) {}

  /** Bytes waiting now. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Waits for room; false when the queue was closed (the consumer stopped): stop producing. */
  async push(item: T, bytes: number): Promise<boolean> {
    while (this.#bytes > 0 && this.#bytes + bytes > this.maxBytes && !this.#closed) {
      await new Promise<void>((r) => (this.#waitingProducer = r));
    }
    if (this.#closed) return false;
    this.#items.push({ item, bytes });
    this.#bytes += bytes;
    this.peakBytes = Math.max(this.peakBytes, this.#bytes);
    this.#wake('consumer');
    return true;
  }

  /** The next item, or undefined once the producer closed the queue and it is empty. */
  async shift(): Promise<T | undefined> {
    for (;;) {
      if (this.#error !== undefined) throw this.#error;
      const head = this.#items.shift();
      if (head) {
        this.#bytes -= head.bytes;
        this.#wake('producer');
        return head.item;
      }
      if (this.#closed) return undefined;
      await new Promise<void>((r) => (this.#waitingConsumer = r));
    }
  }

  /** No more items (the consumer drains what is left). */
  close(): void {
    this.#closed = true;
    this.#wake('consumer');
    this.#wake('producer');
  }

  /** The producer failed: the consumer's next shift throws `error`. */
  fail(error: unknown): void {
    this.#error = error;
    this.close();
  }

  #wake(who: 'consumer' | 'producer'): void {
    const w = who === 'consumer' ? this.#waitingConsumer : this.#waitingProducer;
    if (who === 'consumer') this.#waitingConsumer = undefined;
    else this.#waitingProducer = undefined;
    w?.();
  }
}
