"""Reads one Iceberg table through a REST catalog with pyiceberg and prints it as JSON.

Run by test/helpers/iceberg-rest.ts in the venv of .ci/install-pyiceberg.sh. Standard input:
{"uri", "table": "ns.name", "properties": {...catalog properties...}, "snapshotId"?: "123"}.
Standard output: {"rows", "snapshots", "schema"}, JSON-safe: integers beyond 2**53 - 1 and
decimals as strings, dates and timestamps ISO 8601, binary as hex, NaN and infinities as
strings. Snapshot ids are strings (they are 64-bit).
"""

import datetime
import decimal
import json
import math
import sys
import uuid

from pyiceberg.catalog.rest import RestCatalog

SAFE = 2**53 - 1


def safe(value):
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value if -SAFE <= value <= SAFE else str(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).hex()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [safe(v) for v in value]
    raise TypeError(f"no JSON form for {type(value).__name__}")


def main():
    request = json.load(sys.stdin)
    catalog = RestCatalog("dativo_test", **{"uri": request["uri"], **request["properties"]})
    table = catalog.load_table(request["table"])
    snapshot_id = request.get("snapshotId")
    scan = table.scan(snapshot_id=int(snapshot_id)) if snapshot_id is not None else table.scan()
    rows = scan.to_arrow().to_pylist()
    snapshots = [
        {
            "snapshotId": str(s.snapshot_id),
            "parentId": None if s.parent_snapshot_id is None else str(s.parent_snapshot_id),
            "summary": {k: str(v) for k, v in (s.summary.model_dump() if s.summary else {}).items()},
        }
        for s in table.snapshots()
    ]
    schema = [
        {"id": f.field_id, "name": f.name, "type": str(f.field_type), "required": f.required}
        for f in table.schema().fields
    ]
    json.dump({"rows": safe(rows), "snapshots": snapshots, "schema": schema}, sys.stdout)


if __name__ == "__main__":
    main()
