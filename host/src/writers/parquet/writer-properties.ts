import * as pq from 'parquet-wasm/node';

export type ParquetCompression = 'snappy' | 'zstd' | 'uncompressed';

const CODEC: Record<ParquetCompression, pq.Compression> = {
  snappy: pq.Compression.SNAPPY,
  zstd: pq.Compression.ZSTD,
  uncompressed: pq.Compression.UNCOMPRESSED,
};

/** How a Parquet file is encoded: plain data, so it can cross to the encoder thread. */
export interface ParquetFileOptions {
  compression: ParquetCompression;
  keyValueMetadata: Record<string, string>;
  rowGroupRows: number;
  /** Top-level columns stored as integers (ints, timestamps, dates, times, durations). */
  integerColumns: string[];
}

/**
 * A dictionary page this small makes a high-cardinality column (ids, timestamps) give
 * up on its dictionary after a few thousand values instead of hashing a whole row
 * group into a 1 MiB page first; low-cardinality columns (categories, names) still fit.
 * Measured on the 2 M-row orders file: writing 1.5 s -> 0.85 s, file 44 -> 37 MB.
 */
const DICTIONARY_PAGE_BYTES = 64 * 1024;

export function writerProperties(opts: ParquetFileOptions): pq.WriterProperties {
  let b = new pq.WriterPropertiesBuilder()
    .setCompression(CODEC[opts.compression])
    .setMaxRowGroupSize(opts.rowGroupRows)
    .setDictionaryPageSizeLimit(DICTIONARY_PAGE_BYTES)
    .setCreatedBy('dativo-host')
    .setKeyValueMetadata(new Map(Object.entries(opts.keyValueMetadata)));
  // Integer columns are delta encoded (DELTA_BINARY_PACKED) rather than plain: sorted or
  // clustered values (ids, event times) shrink several-fold (orders: 37 -> 23 MB). And
  // without a dictionary: small ranges (codes, counts, days) pack to as few bits by delta
  // as by dictionary indices, without hashing every value (the encoder's costliest step).
  // Wide case: CPU -5 %, file -3 %. Every current Parquet reader decodes it.
  for (const column of opts.integerColumns) {
    b = b.setColumnEncoding(column, pq.Encoding.DELTA_BINARY_PACKED);
    b = b.setColumnDictionaryEnabled(column, false);
  }
  return b.build();
}
