"""Materializes the example code location's assets in process (dagster.materialize) for the
jobs of a folder; prints what dativo-host reported to Dagster as one JSON line.

    python materialize_jobs.py JOBS_DIR COMMAND_JSON
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "examples" / "dagster"))

import dagster as dg  # noqa: E402
from dativo_assets import RESOURCES, folder_assets  # noqa: E402

jobs_dir, command = sys.argv[1], json.loads(sys.argv[2])
assets = folder_assets(jobs_dir, command)
instance = dg.DagsterInstance.ephemeral()
result = dg.materialize(assets, resources=RESOURCES, instance=instance, raise_on_error=False)


def plain(metadata):
    return {k: getattr(v, "value", v) for k, v in metadata.items()}


out = {
    "success": result.success,
    "materializations": [
        {"key": m.asset_key.to_user_string(), "metadata": plain(m.metadata)}
        for m in result.get_asset_materialization_events()
        for m in [m.event_specific_data.materialization]
    ],
    "checks": [
        {
            "key": c.asset_key.to_user_string(),
            "name": c.check_name,
            "passed": c.passed,
            "severity": c.severity.value,
            "metadata": plain(c.metadata),
        }
        for c in result.get_asset_check_evaluations()
    ],
    # Log lines the host sent as Pipes log messages (user logs, not Dagster events).
    "logs": [e.user_message for e in instance.all_logs(result.run_id) if not e.is_dagster_event],
    # Everything Dagster recorded of the run (its events too: pipes opened/closed, errors).
    "events": [e.message for e in instance.all_logs(result.run_id)],
    "errors": [
        e.event_specific_data.error.to_string()
        for e in result.all_events
        if e.is_step_failure
    ],
}
print(json.dumps(out, default=str))
