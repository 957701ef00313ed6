"""The modeled RTO of promoting a standby: the `pulumi up` that turns its standby graph into its
active one (the update's critical path), plus DNS TTL and failure detection from settings."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from deploy_time import Schedule
from difference import compare_plans
from offline_plan.evaluate import PROJECT_DIR, evaluate_stack
from offline_plan.plan_file import build_plan
from offline_plan.stack_config import StackConfig, read_stack_config
from review.stack_review import update_schedule


@dataclass(frozen=True)
class Promotion:
    stack: str
    update: Schedule
    changed: int
    dns_ttl_seconds: int
    detection_seconds: int
    rto_minutes: int
    active_plan: dict[str, Any]

    @property
    def seconds(self) -> float:
        return self.update.total_seconds + self.dns_ttl_seconds + self.detection_seconds

    @property
    def holds(self) -> bool:
        return self.seconds <= self.rto_minutes * 60

    def line(self) -> str:
        verdict = "holds" if self.holds else "DOES NOT HOLD"
        return (
            f"promotion to active: {self.seconds / 60:.1f} min modeled ({self.changed} resources change, "
            f"update {self.update.total_seconds / 60:.1f} min + DNS TTL {self.dns_ttl_seconds} s + detection "
            f"{self.detection_seconds} s); RTO target {self.rto_minutes} min {verdict}"
        )


def promotion(standby_plan: dict[str, Any], project_dir: Path = PROJECT_DIR) -> Promotion | None:
    """None unless the plan is a standby with failover targets."""
    review = standby_plan["outputs"].get("review", {})
    if standby_plan["outputs"].get("drRole") != "standby" or "rtoMinutes" not in review:
        return None
    stack = standby_plan["stack"]
    active = evaluate_stack(stack, project_dir, _promoted(read_stack_config(project_dir, stack)))
    if active.error:
        raise ValueError(f"stack '{stack}' promoted to active does not plan: {active.error}")
    active_plan = build_plan(active)
    difference = compare_plans(standby_plan, active_plan)
    return Promotion(
        stack=stack,
        update=update_schedule(difference, active_plan),
        changed=len(difference.changed) + len(difference.added),
        dns_ttl_seconds=review["dnsTtlSeconds"],
        detection_seconds=review["failoverDetectionSeconds"],
        rto_minutes=review["rtoMinutes"],
        active_plan=active_plan,
    )


def _promoted(config: StackConfig) -> StackConfig:
    """The same stack file with `dr.role: active`, the one change a promotion makes."""
    values = dict(config.values)
    dr = json.loads(values["eks-platform:dr"])
    values["eks-platform:dr"] = json.dumps({**dr, "role": "active"})
    return StackConfig(config.project, config.stack, values, list(config.secret_keys))
