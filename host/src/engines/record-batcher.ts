/**
 * Records of one stream -> JSON Lines batches the pipeline decodes by the contract, each
 * checkpoint on the batch that holds exactly the records before it: a connector's STATE
 * covers what it emitted before the STATE, so the state is committed only with them, and
 * a reopen at that checkpoint reads nothing twice.
 *
 * A record arrives as the bytes of its JSON object in the connector's stdout line (checked
 * by json-scan.ts) and is copied once, into the batch's buffer: never parsed or re-encoded
 * here (the pipeline's decoder parses it, once).
 */
import type { Batch } from '../runtime/plugin-types.js';

const MAX_BATCH_BYTES = 4 * 2 ** 20;
const NEWLINE = 10;

export class RecordBatcher {
  #buf = new Uint8Array(64 * 1024);
  #used = 0;
  #rows = 0;
  /** How many rows (and bytes) of the buffer the latest state covers (-1: no state since the last batch). */
  #stateRows = -1;
  #stateBytes = 0;
  #state: string | undefined;

  constructor(private readonly batchRows: number) {}

  /** Adds the record whose JSON object is bytes[start, end); returns the batches that became full. */
  add(bytes: Uint8Array, start = 0, end = bytes.length): Batch[] {
    const need = this.#used + end - start + 1;
    if (need > this.#buf.length) {
      const grown = new Uint8Array(Math.max(need, this.#buf.length * 2));
      grown.set(this.#buf.subarray(0, this.#used));
      this.#buf = grown;
    }
    this.#buf.set(bytes.subarray(start, end), this.#used);
    this.#buf[need - 1] = NEWLINE;
    this.#used = need;
    this.#rows++;
    if (this.#rows < this.batchRows && this.#used < MAX_BATCH_BYTES) return [];
    return this.#flush(false);
  }

  /** The connector's state after every record added so far. */
  state(checkpoint: string): void {
    this.#state = checkpoint;
    this.#stateRows = this.#rows;
    this.#stateBytes = this.#used;
  }

  /** The batches still held, at the connector's end. */
  end(): Batch[] {
    return this.#flush(true);
  }

  #flush(all: boolean): Batch[] {
    const out: Batch[] = [];
    if (this.#stateRows >= 0) {
      out.push(this.#take(this.#stateRows, this.#stateBytes, this.#state));
      this.#stateRows = -1;
      this.#state = undefined;
    }
    // Records after the last state go without a checkpoint: when the batch is full (or
    // at the end) they cannot wait for one.
    if (this.#rows > 0 && (all || out.length === 0 || this.#rows >= this.batchRows)) out.push(this.#take(this.#rows, this.#used, undefined));
    return out;
  }

  /** The first `rows` records (`bytes` bytes) as a batch; the rest move to the front. */
  #take(rows: number, bytes: number, checkpoint: string | undefined): Batch {
    const batch: Batch = { encoding: 'json-lines', bytes: this.#buf.slice(0, bytes), checkpoint };
    this.#buf.copyWithin(0, bytes, this.#used);
    this.#used -= bytes;
    this.#rows -= rows;
    return batch;
  }
}
