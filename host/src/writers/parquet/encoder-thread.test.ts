import { Table, tableFromArrays, tableFromIPC, tableToIPC } from 'apache-arrow';
import { readParquet } from 'parquet-wasm/node';
import { afterEach, describe, expect, it } from 'vitest';
import type { StagedFile } from '../../targets/target.js';
import { ParquetEncoderThread, ParquetEncoderThreads } from './encoder-thread.js';
import { compileEncoderModule } from './wasm-encoder.js';
import type { ParquetFileOptions } from './writer-properties.js';

/** A staged file in memory: the chunks in the order they were written. */
function memoryFile(path: string): StagedFile & { bytes(): Uint8Array; closed: boolean } {
  const chunks: Uint8Array[] = [];
  const file = {
    path,
    closed: false,
    write: async (chunk: Uint8Array) => void chunks.push(chunk),
    close: async () => {
      file.closed = true;
      return chunks.reduce((n, c) => n + c.byteLength, 0);
    },
    bytes: () => Buffer.concat(chunks),
  };
  return file;
}

const options: ParquetFileOptions = { compression: 'snappy', keyValueMetadata: { k: 'v' }, rowGroupRows: 1000, integerColumns: ['id'] };

describe('ParquetEncoderThread', () => {
  let encoder: ParquetEncoderThread | undefined;
  afterEach(async () => encoder?.terminate());

  it('encodes appended IPC streams into one Parquet file, in order', async () => {
    encoder = new ParquetEncoderThread();
    const staged = memoryFile('a.parquet');
    const file = encoder.open(options, staged);
    const ids: number[] = [];
    for (let b = 0; b < 40; b++) {
      const id = Float64Array.from({ length: 2500 }, (_, i) => b * 2500 + i);
      ids.push(...id);
      await file.append(tableToIPC(tableFromArrays({ id: BigInt64Array.from(id, BigInt), name: Array.from(id, (i) => `n${i % 7}`) }), 'stream'), id.length);
    }
    const size = await file.close();
    expect(staged.closed).toBe(true);
    expect(size).toBe(staged.bytes().byteLength);
    const back = tableFromIPC(readParquet(staged.bytes()).intoIPCStream());
    expect(back.numRows).toBe(100_000);
    expect(Array.from(back.getChild('id')!.toArray() as BigInt64Array, Number)).toEqual(ids);
    expect(back.getChild('name')!.get(99_999)).toBe(`n${99_999 % 7}`);
  }, 30_000); // a thread, the module and 100,000 rows: 7-10 s at load 25 (with either encoder)

  it('keeps files apart: two files open at once each get their own rows', async () => {
    encoder = new ParquetEncoderThread();
    const [a, b] = [memoryFile('a'), memoryFile('b')];
    const fa = encoder.open(options, a);
    const fb = encoder.open(options, b);
    await fa.append(tableToIPC(tableFromArrays({ id: BigInt64Array.from([1n, 2n]) }), 'stream'), 2);
    await fb.append(tableToIPC(tableFromArrays({ id: BigInt64Array.from([3n]) }), 'stream'), 1);
    await Promise.all([fa.close(), fb.close()]);
    expect(tableFromIPC(readParquet(a.bytes()).intoIPCStream()).numRows).toBe(2);
    expect(tableFromIPC(readParquet(b.bytes()).intoIPCStream()).numRows).toBe(1);
  });

  it('an encoding failure fails that file, naming it; the staged file is not closed as if complete', async () => {
    encoder = new ParquetEncoderThread();
    const staged = memoryFile('broken.parquet');
    const file = encoder.open(options, staged);
    await file.append(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), 1).catch(() => undefined);
    await expect(file.close()).rejects.toThrow(/broken\.parquet/);
    expect(staged.closed).toBe(false);
    await expect(file.append(tableToIPC(new Table(), 'stream'), 0)).rejects.toThrow(/broken\.parquet/);
  });

  it('a stopped encoder fails open files instead of hanging', async () => {
    encoder = new ParquetEncoderThread();
    const file = encoder.open(options, memoryFile('c.parquet'));
    await encoder.terminate();
    await expect(file.close()).rejects.toThrow();
    expect(() => encoder!.open(options, memoryFile('d.parquet'))).toThrow(/stopped/);
  });
});

describe('ParquetEncoderThreads', () => {
  it('starts a thread only when a file is given to it, and maps indices onto its size', async () => {
    const threads = new ParquetEncoderThreads(2);
    try {
      expect(threads.at(0)).toBe(threads.at(2));
      expect(threads.at(1)).not.toBe(threads.at(0));
      // Two files on two threads at once, each complete.
      const staged = [memoryFile('a.parquet'), memoryFile('b.parquet')];
      const files = staged.map((s, i) => threads.at(i).open(options, s));
      for (const [i, f] of files.entries()) await f.append(tableToIPC(tableFromArrays({ id: BigInt64Array.from([BigInt(i)]) }), 'stream'), 1);
      await Promise.all(files.map((f) => f.close()));
      expect(staged.map((s) => Number(tableFromIPC(readParquet(s.bytes()).intoIPCStream()).getChild('id')!.get(0)))).toEqual([0, 1]);
      // Each stream's buffer came back once it was encoded.
      expect(threads.buffers.spare).toBe(2);
    } finally {
      await threads.terminate();
    }
    await new ParquetEncoderThreads(3).terminate(); // none started: nothing to stop
    expect(() => new ParquetEncoderThreads(0)).toThrow(/positive integer/);
  });

  it('prestart starts the first thread once the module is compiled; warm starts the rest; neither after terminate', async () => {
    const threads = new ParquetEncoderThreads(2);
    try {
      threads.prestart();
      expect(threads.started).toBe(0); // the compile is asynchronous
      await compileEncoderModule();
      await new Promise((r) => setImmediate(r));
      expect(threads.started).toBe(1);
      threads.warm();
      expect(threads.started).toBe(2);
      // The prestarted thread encodes as any other.
      const staged = memoryFile('a.parquet');
      const file = threads.at(0).open(options, staged);
      await file.append(tableToIPC(tableFromArrays({ id: BigInt64Array.from([7n]) }), 'stream'), 1);
      await file.close();
      expect(Number(tableFromIPC(readParquet(staged.bytes()).intoIPCStream()).getChild('id')!.get(0))).toBe(7);
    } finally {
      await threads.terminate();
    }
    const stopped = new ParquetEncoderThreads(2);
    stopped.prestart();
    await stopped.terminate();
    stopped.warm();
    await compileEncoderModule();
    await new Promise((r) => setImmediate(r));
    expect(stopped.started).toBe(0); // a run that ended before its first batch leaves no thread behind
  });
});
