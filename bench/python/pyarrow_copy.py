"""pyarrow's CSV -> Parquet, streamed: csv.open_csv batch by batch into a ParquetWriter
(what the original Python platform did), typed as the contract.
   python pyarrow_copy.py <csv> <out.parquet> <threads> <columns-json>
columns-json: [[name, kind], ...], kind one of int32 int64 float64 string bool date timestamp.
Prints {"rows": N, "seconds": S} (S: the copy alone, without interpreter start and import)."""
import json
import sys
import time

import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

csv, out, threads, columns = sys.argv[1], sys.argv[2], int(sys.argv[3]), json.loads(sys.argv[4])
pa.set_cpu_count(threads)
pa.set_io_thread_count(threads)
KINDS = {
    "int32": pa.int32(), "int64": pa.int64(), "float64": pa.float64(), "string": pa.string(),
    "bool": pa.bool_(), "date": pa.date32(), "timestamp": pa.timestamp("us", tz="UTC"),
}
t = time.perf_counter()
reader = pcsv.open_csv(csv, convert_options=pcsv.ConvertOptions(column_types={n: KINDS[k] for n, k in columns}))
rows = 0
with pq.ParquetWriter(out, reader.schema, compression="snappy") as writer:
    for batch in reader:
        writer.write_batch(batch)
        rows += batch.num_rows
seconds = time.perf_counter() - t
print(json.dumps({"rows": rows, "seconds": seconds, "threads": threads}))
