"""A synthetic stack of N resources under the offline plan's mocks, to time cost per resource."""

from __future__ import annotations

import time

import pulumi
import pulumi_aws as aws
from pulumi.runtime import settings as runtime_settings
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from offline_plan.cloud_values import DEFAULT_ACCOUNT_ID
from offline_plan.mocks import PlatformMocks
from offline_plan.monitor import RecordingMonitor


def evaluate_chain(count: int) -> int:
    """`count` log groups, each depending on one earlier group (a tree: the SDK checks cycles recursively)."""
    mocks = PlatformMocks("synthetic", "bench", "us-east-1", DEFAULT_ACCOUNT_ID, {})
    monitor = RecordingMonitor(mocks)
    mocks.monitor = monitor
    runtime_settings.ROOT.set(None)
    pulumi.runtime.set_mocks(mocks, project="synthetic", stack="bench", preview=False, monitor=monitor)

    def program() -> None:
        groups: list[pulumi.Resource] = []
        for index in range(count):
            group = aws.cloudwatch.LogGroup(
                f"group-{index}",
                retention_in_days=7,
                opts=pulumi.ResourceOptions(depends_on=[groups[(index - 1) // 2]] if index else []),
            )
            groups.append(group)

    _sync_await(run_pulumi_func(program))
    return len(monitor.registrations)


def per_resource_milliseconds(count: int = 1000) -> float:
    evaluate_chain(10)  # the first evaluation pays one-time costs
    start = time.perf_counter()
    registered = evaluate_chain(count)
    return (time.perf_counter() - start) * 1000 / registered
