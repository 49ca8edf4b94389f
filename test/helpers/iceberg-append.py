"""Appends rows to an Iceberg table through a REST catalog with pyiceberg: one snapshot.

The tests use it to put data into a table the catalog created (pyiceberg as a second, real
writer beside the host's Iceberg target). Standard input: {"uri", "table", "properties",
"rows": [...]}, values as iceberg-read.py prints them (decimals as strings, timestamps ISO).
Prints {"snapshotId": "..."}.
"""

import datetime
import decimal
import json
import sys

import pyarrow as pa
from pyiceberg.catalog.rest import RestCatalog


def convert(value, arrow_type):
    if value is None:
        return None
    if pa.types.is_decimal(arrow_type):
        return decimal.Decimal(value)
    if pa.types.is_timestamp(arrow_type):
        return datetime.datetime.fromisoformat(value)
    if pa.types.is_date(arrow_type):
        return datetime.date.fromisoformat(value)
    if pa.types.is_integer(arrow_type):
        return int(value)
    return value


def main():
    request = json.load(sys.stdin)
    catalog = RestCatalog("dativo_test", **{"uri": request["uri"], **request["properties"]})
    table = catalog.load_table(request["table"])
    schema = table.schema().as_arrow()
    columns = {
        f.name: [convert(row.get(f.name), f.type) for row in request["rows"]] for f in schema
    }
    table.append(pa.table(columns, schema=schema))
    json.dump({"snapshotId": str(table.current_snapshot().snapshot_id)}, sys.stdout)


if __name__ == "__main__":
    main()
