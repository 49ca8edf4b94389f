/**
 * Records of one stream -> JSON Lines batches the pipeline decodes by the contract, each
 * checkpoint on the batch that holds exactly the records before it: a connector's STATE
 * covers what it emitted before the STATE, so the state is committed only with them, and
 * a reopen at that checkpoint reads nothing twice.
 */
import type { Batch } from '../runtime/plugin-types.js';

const MAX_BATCH_BYTES = 4 * 2 ** 20;
const encoder = new TextEncoder();

export class RecordBatcher {
  #lines: string[] = [];
  #bytes = 0;
  /** How many of #lines the latest state covers (-1: no state since the last batch). */
  #stateAt = -1;
  #state: string | undefined;

  constructor(private readonly batchRows: number) {}

  /** Adds a record; returns the batches that became full. */
  add(record: Record<string, unknown>): Batch[] {
    const line = JSON.stringify(record);
    this.#lines.push(line);
    this.#bytes += line.length + 1;
    if (this.#lines.length < this.batchRows && this.#bytes < MAX_BATCH_BYTES) return [];
    return this.#flush(false);
  }

  /** The connector's state after every record added so far. */
  state(checkpoint: string): void {
    this.#state = checkpoint;
    this.#stateAt = this.#lines.length;
  }

  /** The batches still held, at the connector's end. */
  end(): Batch[] {
    return this.#flush(true);
  }

  #flush(all: boolean): Batch[] {
    const out: Batch[] = [];
    if (this.#stateAt >= 0) {
      out.push(this.#batch(this.#lines.splice(0, this.#stateAt), this.#state));
      this.#stateAt = -1;
      this.#state = undefined;
    }
    // Records after the last state go without a checkpoint: when the batch is full (or
    // at the end) they cannot wait for one.
    if (this.#lines.length > 0 && (all || out.length === 0 || this.#lines.length >= this.batchRows)) out.push(this.#batch(this.#lines.splice(0), undefined));
    this.#bytes = this.#lines.reduce((n, l) => n + l.length + 1, 0);
    return out;
  }

  #batch(lines: string[], checkpoint: string | undefined): Batch {
    const text = lines.length === 0 ? '' : `${lines.join('\n')}\n`;
    return { encoding: 'json-lines', bytes: encoder.encode(text), checkpoint };
  }
}
