"""The preflight of a promotion: the AWS checks (not run when AWS cannot be asked) and the offline
ones, which always run."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from botocore.exceptions import BotoCoreError

from disaster_recovery.drill.aws_checks import AWS_CHECKS, AwsClients, AwsContext, Verdict, run_check
from disaster_recovery.drill.model import CheckResult, Preflight, StackView, Status
from disaster_recovery.drill.pairs import Move
from disaster_recovery.drill.plans import PlanSource, parity
from disaster_recovery.drill.state_backend import bucket_region, state_backend


@dataclass(frozen=True)
class PreflightInputs:
    project_dir: Path
    plans: PlanSource
    clients: AwsClients
    env: Mapping[str, str]
    offline_reason: str | None  # set: AWS cannot be asked, its checks are reported as not run


def aws_offline_reason() -> str | None:
    """Why AWS cannot be asked from here, or None. No credentials means no AWS call can succeed;
    an unreachable endpoint shows up per check instead."""
    import boto3

    try:
        credentials = boto3.Session().get_credentials()
    except BotoCoreError as error:
        return f"AWS credentials unreadable: {error}"
    return None if credentials else "no AWS credentials found"


def run_preflight(
    inputs: PreflightInputs, move: Move, target: StackView, failed: StackView, now: datetime
) -> Preflight:
    context = AwsContext(inputs.clients, target, failed, now)
    results = [
        CheckResult(name, Status.NOT_RUN, f"offline: {inputs.offline_reason}")
        if inputs.offline_reason
        else run_check(name, check, context)
        for name, check in AWS_CHECKS
    ]
    results.append(run_check("parity", lambda _: parity(inputs.plans, move.target.stack, move.failed.stack), context))
    results.append(run_check("state-backend", lambda _: _state_backend(inputs, move), context))
    return Preflight(results)


def _state_backend(inputs: PreflightInputs, move: Move) -> Verdict:
    # Asked from the target's region: the failed region's S3 endpoint may be the one that is down.
    def lookup(bucket: str) -> str:
        return bucket_region(inputs.clients("s3", move.target.region), bucket)

    return state_backend(inputs.project_dir, inputs.env, move.failed.region, lookup)
