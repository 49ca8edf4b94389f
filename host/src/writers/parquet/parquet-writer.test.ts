import { tableFromArrays, tableFromIPC } from 'apache-arrow';
import { readParquet } from 'parquet-wasm/node';
import { describe, expect, it } from 'vitest';
import type { RunStaging, StagedFile } from '../../targets/target.js';
import { ParquetEncoderThreads } from './encoder-thread.js';
import { ParquetStreamWriter } from './parquet-writer.js';

/** A run's staging in memory: each file's chunks by path. */
function memoryStaging(): RunStaging & { files: Map<string, Uint8Array[]> } {
  const files = new Map<string, Uint8Array[]>();
  return {
    runId: 'r1',
    files,
    async createFile(stream, rel): Promise<StagedFile> {
      const path = `${stream}/${rel}`;
      const chunks: Uint8Array[] = [];
      files.set(path, chunks);
      return { path, write: async (c) => void chunks.push(c), close: async () => chunks.reduce((n, c) => n + c.byteLength, 0) };
    },
    commit: async (r) => r,
    abort: async () => 'discarded',
  };
}

const batch = (from: number, n: number) => tableFromArrays({ id: BigInt64Array.from({ length: n }, (_, i) => BigInt(from + i)) }).batches[0]!;

describe('ParquetStreamWriter', () => {
  it('starts the second encoder thread at a quarter of a row group, then spreads batches over two files', async () => {
    const encoders = new ParquetEncoderThreads(2);
    const staging = memoryStaging();
    const writer = new ParquetStreamWriter(encoders, staging, 's', { compression: 'snappy', targetSizeMb: 512, partitionBy: [], keyValueMetadata: {}, rowGroupRows: 1000 });
    try {
      await writer.write(batch(0, 200));
      expect(encoders.started).toBe(1); // 200 rows: the first file's thread only
      await writer.write(batch(200, 200));
      expect(encoders.started).toBe(2); // 400 >= 250: the other thread boots while the first file fills
      for (let from = 400; from < 2000; from += 200) await writer.write(batch(from, 200));
      const files = await writer.finish();
      expect(files.map((f) => f.path).sort()).toEqual(['s/part-00000.parquet', 's/part-00001.parquet']);
      // Every row once: the first file holds the first row group's worth, then the batches alternate.
      const ids = [...staging.files.values()].flatMap((chunks) => Array.from(tableFromIPC(readParquet(Buffer.concat(chunks)).intoIPCStream()).getChild('id')!.toArray() as BigInt64Array, Number));
      expect(ids.sort((a, b) => a - b)).toEqual(Array.from({ length: 2000 }, (_, i) => i));
      expect(files.reduce((n, f) => n + f.rows, 0)).toBe(2000);
    } finally {
      await encoders.terminate();
    }
  });

  it('a stream smaller than a quarter of a row group starts one thread and writes one file', async () => {
    const encoders = new ParquetEncoderThreads(2);
    const writer = new ParquetStreamWriter(encoders, memoryStaging(), 's', { compression: 'snappy', targetSizeMb: 512, partitionBy: [], keyValueMetadata: {}, rowGroupRows: 1000 });
    try {
      await writer.write(batch(0, 100));
      await writer.write(batch(100, 100));
      expect((await writer.finish()).map((f) => f.rows)).toEqual([200]);
      expect(encoders.started).toBe(1);
    } finally {
      await encoders.terminate();
    }
  });
});
