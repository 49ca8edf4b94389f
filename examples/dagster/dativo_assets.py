"""A Dagster code location: every dativo-host job YAML of a folder becomes assets.

Each job is one multi-asset, one asset per stream (key: tenant / job / stream), each with a
`contract_validation` asset check. Materializing runs `dativo-host run JOB.yaml` through
Dagster Pipes (PipesSubprocessClient): the host streams its logs, reports a materialization
per stream (records, bytes, files, contract id and version, checkpoint, run id) and the
check (invalid records in warn mode). A failed run fails the step; nothing was committed.

    DATIVO_JOBS_DIR=examples/jobs dagster dev -f examples/dagster/dativo_assets.py

DATIVO_HOST_CMD sets the command (default: `dativo-host`), split like a shell would.
"""

import os
import re
import shlex
from pathlib import Path

import dagster as dg
import yaml

CONTRACT_CHECK = "contract_validation"


def job_streams(job_file: Path, job: dict) -> list[str]:
    """The streams a job runs: source.objects, else every object of its ODCS contract."""
    objects = (job.get("source") or {}).get("objects")
    if objects:
        return [o if isinstance(o, str) else o["name"] for o in objects]
    contract = yaml.safe_load((job_file.parent / job["asset_path"]).read_text())
    return [o["name"] for o in contract.get("schema", [])]


def job_assets(job_file: Path, command: list[str]) -> dg.AssetsDefinition:
    job = yaml.safe_load(job_file.read_text())
    tenant = job["tenant_id"]
    name = job.get("job_name") or job_file.stem
    specs = [
        dg.AssetSpec(key=[tenant, name, stream], group_name=re.sub(r"\W", "_", tenant), kinds={"parquet"})
        for stream in job_streams(job_file, job)
    ]
    checks = [dg.AssetCheckSpec(CONTRACT_CHECK, asset=spec.key) for spec in specs]

    @dg.multi_asset(name=re.sub(r"\W", "_", f"{tenant}__{name}"), specs=specs, check_specs=checks)
    def run_job(context: dg.AssetExecutionContext, pipes_subprocess_client: dg.PipesSubprocessClient):
        return pipes_subprocess_client.run(
            command=[*command, "run", str(job_file)], context=context
        ).get_results()

    return run_job


def folder_assets(jobs_dir: str | Path, command: list[str] | None = None) -> list[dg.AssetsDefinition]:
    cmd = command or shlex.split(os.environ.get("DATIVO_HOST_CMD", "dativo-host"))
    return [job_assets(f.resolve(), cmd) for f in sorted(Path(jobs_dir).glob("*.yaml"))]


RESOURCES = {"pipes_subprocess_client": dg.PipesSubprocessClient()}

defs = dg.Definitions(
    assets=folder_assets(os.environ.get("DATIVO_JOBS_DIR", Path(__file__).parent / "jobs")),
    resources=RESOURCES,
)
