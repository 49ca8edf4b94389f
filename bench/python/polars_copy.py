"""Polars' CSV -> Parquet, streamed: scan_csv(...).sink_parquet(...), typed as the contract.
   python polars_copy.py <csv> <out.parquet> <threads> <columns-json>
columns-json: [[name, kind], ...], kind one of int32 int64 float64 string bool date timestamp.
Prints {"rows": N, "seconds": S} (S: the copy alone, without interpreter start and import)."""
import json
import os
import sys
import time

csv, out, threads, columns = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
os.environ["POLARS_MAX_THREADS"] = threads  # read when polars is imported
import polars as pl  # noqa: E402

KINDS = {
    "int32": pl.Int32, "int64": pl.Int64, "float64": pl.Float64, "string": pl.String,
    "bool": pl.Boolean, "date": pl.Date, "timestamp": pl.Datetime("us", "UTC"),
}
t = time.perf_counter()
pl.scan_csv(csv, schema={n: KINDS[k] for n, k in columns}).sink_parquet(out, compression="snappy")
seconds = time.perf_counter() - t
rows = pl.scan_parquet(out).select(pl.len()).collect().item()
print(json.dumps({"rows": rows, "seconds": seconds, "threads": pl.thread_pool_size()}))
