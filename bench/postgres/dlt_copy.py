"""dlt's sql_database source, one PostgreSQL table -> Parquet files on a local filesystem
destination (dlt's defaults otherwise: chunk_size 50,000, snappy, one normalize worker).
   python dlt_copy.py <backend> <postgresql://user:pw@host:port/db> <table> <work-dir>
backend: pyarrow, or sqlalchemy (dlt's default). Prints {"rows": N, "seconds": S, "files": F,
"bytes": B} (S: extract + normalize + load, without interpreter start and import)."""
import json
import os
import sys
import time

backend, url, table, work = sys.argv[1:5]
os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
os.environ.setdefault("DLT_DATA_DIR", os.path.join(work, "dlt-data"))

import dlt  # noqa: E402
from dlt.sources.sql_database import sql_table  # noqa: E402

t = time.perf_counter()
pipeline = dlt.pipeline(
    pipeline_name="bench_pg",
    pipelines_dir=os.path.join(work, "pipelines"),
    destination=dlt.destinations.filesystem(bucket_url="file://" + os.path.join(work, "out")),
    dataset_name="bench",
)
pipeline.run(sql_table(credentials=url, table=table, backend=backend), loader_file_format="parquet")
seconds = time.perf_counter() - t
rows = pipeline.last_trace.last_normalize_info.row_counts.get(table, 0)
files = [os.path.join(d, f) for d, _, fs in os.walk(os.path.join(work, "out", "bench", table)) for f in fs]
files = [f for f in files if f.endswith(".parquet")]
print(json.dumps({"rows": rows, "seconds": seconds, "files": len(files), "bytes": sum(map(os.path.getsize, files))}))
