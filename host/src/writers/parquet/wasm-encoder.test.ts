import { tableFromArrays, tableFromIPC, tableToIPC } from 'apache-arrow';
import { Compression, Encoding, ParquetFile, readParquet } from 'parquet-wasm/node';
import { describe, expect, it } from 'vitest';
import { WasmParquetFile } from './wasm-encoder.js';
import type { ParquetCompression, ParquetFileOptions } from './writer-properties.js';

const options = (o: Partial<ParquetFileOptions> = {}): ParquetFileOptions => ({
  compression: 'snappy',
  keyValueMetadata: { 'contract.id': 'c1', 'contract.version': '1.0.0' },
  rowGroupRows: 1000,
  integerColumns: ['id'],
  ...o,
});

const batch = (from: number, n: number) => {
  const id = BigInt64Array.from({ length: n }, (_, i) => BigInt(from + i));
  const city = Array.from({ length: n }, (_, i) => (i % 5 === 0 ? null : `c${(from + i) % 3}`));
  return tableToIPC(tableFromArrays({ id, city, price: Float64Array.from({ length: n }, (_, i) => (from + i) / 4) }), 'stream');
};

/** Encodes `streams` into one file; the bytes each call gave back, in order. */
function encode(o: ParquetFileOptions, streams: Uint8Array[]): { chunks: (Uint8Array | undefined)[]; file: Uint8Array } {
  const f = new WasmParquetFile(o);
  const chunks = [...streams.map((s) => f.append(s)), f.close()];
  return { chunks, file: Buffer.concat(chunks.filter((c) => c !== undefined)) };
}

const metadata = async (file: Uint8Array) => (await ParquetFile.fromFile(new Blob([file as Uint8Array<ArrayBuffer>]))).metadata();

describe('WasmParquetFile (host/native/parquet-encoder)', () => {
  it('gives bytes back as row groups complete; the file reads back row for row', () => {
    const { chunks, file } = encode(options({ rowGroupRows: 10_000 }), Array.from({ length: 10 }, (_, i) => batch(i * 3000, 3000)));
    // 3000-row streams, 10,000-row groups (~80 KB of doubles each): the first row group
    // completes in the fourth append. (Less than the writer's 8 KiB buffer would wait there.)
    expect(chunks.slice(0, 3)).toEqual([undefined, undefined, undefined]);
    expect(chunks[3]!.byteLength).toBeGreaterThan(8192);
    const back = tableFromIPC(readParquet(file).intoIPCStream());
    expect(back.numRows).toBe(30_000);
    expect(Array.from(back.getChild('id')!.toArray() as BigInt64Array, Number)).toEqual(Array.from({ length: 30_000 }, (_, i) => i));
    expect(back.getChild('city')!.get(5)).toBeNull();
    expect(back.getChild('city')!.get(7)).toBe('c1');
    expect(back.getChild('price')!.get(29_999)).toBe(29_999 / 4);
  });

  it('writes the properties it is given: row groups, codec, delta for integer columns, metadata, created_by', async () => {
    for (const [name, codec] of [['snappy', Compression.SNAPPY], ['zstd', Compression.ZSTD], ['uncompressed', Compression.UNCOMPRESSED]] as const) {
      const meta = await metadata(encode(options({ compression: name as ParquetCompression }), [batch(0, 2500)]).file);
      expect(Array.from({ length: meta.numRowGroups() }, (_, i) => meta.rowGroup(i).numRows())).toEqual([1000, 1000, 500]);
      const cols = Object.fromEntries(meta.rowGroup(0).columns().map((c) => [c.columnPath().join('.'), c]));
      for (const c of Object.values(cols)) expect(c.compression(), name).toBe(codec);
      expect(cols.id!.encodings()).toContain(Encoding.DELTA_BINARY_PACKED);
      expect(cols.id!.encodings()).not.toContain(Encoding.RLE_DICTIONARY);
      expect(cols.city!.encodings()).toContain(Encoding.RLE_DICTIONARY);
      const fm = meta.fileMetadata();
      expect(fm.createdBy()).toBe('dativo-host');
      expect(Object.fromEntries(fm.keyValueMetadata())).toMatchObject({ 'contract.id': 'c1', 'contract.version': '1.0.0' });
    }
  });

  it('refuses what is not an Arrow IPC stream and unknown options, with the reason', () => {
    const f = new WasmParquetFile(options());
    expect(() => f.append(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]))).toThrow(/./);
    expect(() => new WasmParquetFile(options({ compression: 'lzo' as ParquetCompression }))).toThrow(/unknown compression "lzo"/);
    expect(() => new WasmParquetFile(options({ rowGroupRows: 0 }))).toThrow(/rowGroupRows must be positive/);
    // A file given no stream has no schema to write.
    expect(() => new WasmParquetFile(options()).close()).toThrow(/given no Arrow IPC stream/);
  });

  it('keeps files apart in one instance: interleaved appends, each file its own rows', () => {
    const [a, b] = [new WasmParquetFile(options()), new WasmParquetFile(options())];
    const out: Record<'a' | 'b', Uint8Array[]> = { a: [], b: [] };
    for (let i = 0; i < 6; i++) {
      const ca = a.append(batch(i * 400, 400));
      const cb = b.append(batch(100_000 + i * 100, 100));
      if (ca) out.a.push(ca);
      if (cb) out.b.push(cb);
    }
    out.a.push(a.close()!);
    out.b.push(b.close()!);
    const ids = (chunks: Uint8Array[]) => Array.from(tableFromIPC(readParquet(Buffer.concat(chunks)).intoIPCStream()).getChild('id')!.toArray() as BigInt64Array, Number);
    expect(ids(out.a)).toEqual(Array.from({ length: 2400 }, (_, i) => i));
    expect(ids(out.b)).toEqual(Array.from({ length: 600 }, (_, i) => 100_000 + i));
  });
});
