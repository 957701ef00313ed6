"""Where the Pulumi state lives, against the region being failed away from: a promotion runs
`pulumi up`, which cannot read or write state stored in the region that is down."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import yaml

from disaster_recovery.drill.aws_checks import Verdict, failed, passed

PULUMI_CLOUD = {"api.pulumi.com", "app.pulumi.com"}
# Object stores of other clouds: outside every AWS region.
OTHER_CLOUDS = {"azblob": "Azure Blob Storage", "gs": "Google Cloud Storage"}


def backend_url(project_dir: Path, env: Mapping[str, str]) -> tuple[str | None, str]:
    """The URL `pulumi` would use, and where it came from; (None, why) when it cannot be known here.

    Without either setting the CLI uses whatever `pulumi login` last chose on that machine, which
    this check cannot see (and does not look for: that file holds credentials)."""
    project = yaml.safe_load((project_dir / "Pulumi.yaml").read_text()) or {}
    from_project = (project.get("backend") or {}).get("url")
    from_env = env.get("PULUMI_BACKEND_URL")
    if from_project and from_env and from_project != from_env:
        return None, f"PULUMI_BACKEND_URL ({from_env}) and Pulumi.yaml backend.url ({from_project}) disagree"
    if from_env:
        return from_env, "PULUMI_BACKEND_URL"
    if from_project:
        return str(from_project), "Pulumi.yaml backend.url"
    return None, (
        "neither PULUMI_BACKEND_URL nor Pulumi.yaml backend.url is set: the backend is whatever "
        "`pulumi login` last chose on the machine that runs the promotion; set one of them"
    )


def state_backend(
    project_dir: Path, env: Mapping[str, str], failed_region: str, bucket_region: Callable[[str], str]
) -> Verdict:
    """`bucket_region(bucket)` asks S3 where a bucket is, for an s3:// URL without ?region=."""
    url, source = backend_url(project_dir, env)
    if url is None:
        return failed(source)
    parts = urlsplit(url)
    shown = f"{url} (from {source})"
    if parts.scheme == "file":
        return failed(f"{shown} is local to one machine: whoever promotes needs that machine")
    if parts.scheme in OTHER_CLOUDS:
        return passed(f"{shown} is in {OTHER_CLOUDS[parts.scheme]}, outside both AWS regions")
    if parts.scheme == "https" and parts.hostname in PULUMI_CLOUD:
        return passed(f"{shown} is Pulumi Cloud, outside both regions")
    if parts.scheme != "s3":
        return failed(f"{shown}: cannot tell which region this backend is in")
    query = parse_qs(parts.query)
    if "endpoint" in query:
        return failed(f"{shown}: an S3-compatible endpoint, its region is unknown")
    region = query["region"][0] if "region" in query else bucket_region(parts.netloc)
    where = f"{shown} is in {region}"
    if region == failed_region:
        return failed(f"{where}, the region being failed away from: move the state out of it first")
    return passed(f"{where}, not {failed_region}")


def bucket_region(s3: Any, bucket: str) -> str:
    # GetBucketLocation answers no constraint for us-east-1 and the legacy "EU" for eu-west-1.
    location = s3.get_bucket_location(Bucket=bucket).get("LocationConstraint") or "us-east-1"
    return "eu-west-1" if location == "EU" else str(location)
