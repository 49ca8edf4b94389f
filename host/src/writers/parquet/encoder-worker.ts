/**
 * Entry of the Parquet encoder thread: encodes the files the main thread opens, so
 * Parquet encoding (the costliest stage of a run) overlaps with reading and contract
 * validation instead of queueing behind them on the main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ParquetEncoder } from './encoder.js';
import type { EncoderEvent, EncoderRequest } from './encoder-protocol.js';
import { useEncoderModule, warmEncoder } from './wasm-encoder.js';

const given = (workerData as { encoderModule?: unknown } | undefined)?.encoderModule;
if (given instanceof WebAssembly.Module) {
  useEncoderModule(given);
  warmEncoder(); // the instance is ready before the first file arrives
}

const port = parentPort!;
const post = (e: EncoderEvent, transfer: ArrayBuffer[] = []) => port.postMessage(e, transfer);
const encoders = new Map<number, ParquetEncoder>();

port.on('message', (m: EncoderRequest) => {
  switch (m.type) {
    case 'open': {
      const encoder = new ParquetEncoder(
        m.options,
        (bytes) => {
          const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
          post({ type: 'chunk', file: m.file, bytes: own }, [own.buffer as ArrayBuffer]);
        },
        // The stream is encoded now: its buffer goes back to be reused.
        (ipc) => post({ type: 'taken', file: m.file, bytes: ipc.byteLength, buffer: ipc.buffer as ArrayBuffer }, [ipc.buffer as ArrayBuffer]),
      );
      encoders.set(m.file, encoder);
      encoder.done.catch((e: unknown) => {
        encoders.delete(m.file);
        post({ type: 'failed', file: m.file, message: e instanceof Error ? e.message : String(e) });
      });
      return;
    }
    case 'append':
      encoders.get(m.file)?.append(m.ipc);
      return;
    case 'close': {
      const encoder = encoders.get(m.file);
      if (!encoder) return;
      encoder.close().then(() => {
        encoders.delete(m.file);
        post({ type: 'closed', file: m.file });
      }, () => undefined /* reported as failed */);
    }
  }
});
