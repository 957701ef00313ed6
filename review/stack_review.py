"""Everything a reviewer asks of one stack's change, computed from its base and head plans."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cost import CostEstimate, estimate_plan
from deploy_time import Schedule, schedule_plan, seconds_for
from difference import Alarm, StackDifference, alarms, compare_plans
from policy.results import PolicyResult

EMPTY_PLAN: dict[str, Any] = {"resources": [], "outputs": {}}


@dataclass
class StackReview:
    stack: str
    error: str | None = None
    difference: StackDifference | None = None
    alarms: list[Alarm] = field(default_factory=list)
    cost_base: CostEstimate | None = None
    cost_head: CostEstimate | None = None
    deploy_head: Schedule | None = None
    update: Schedule | None = None
    policy: list[PolicyResult] | None = None  # the head's findings; None when not checked

    @property
    def blocked_by_policy(self) -> bool:
        return any(result.blocks for result in self.policy or [])

    @property
    def cost_delta(self) -> float:
        base = self.cost_base.monthly if self.cost_base else 0.0
        head = self.cost_head.monthly if self.cost_head else 0.0
        return round(head - base, 2)


def review_stack(stack: str, base: dict[str, Any] | str | None, head: dict[str, Any] | str | None) -> StackReview:
    """`base`/`head` are plans, an error message, or None where the stack does not exist."""
    errors = [f"{side}: {plan}" for side, plan in (("base", base), ("head", head)) if isinstance(plan, str)]
    if errors:
        return StackReview(stack, error="; ".join(errors))
    base_plan = base if isinstance(base, dict) else {**EMPTY_PLAN, "stack": stack}
    head_plan = head if isinstance(head, dict) else {**EMPTY_PLAN, "stack": stack}
    difference = compare_plans(base_plan, head_plan)
    review = StackReview(stack, difference=difference, alarms=alarms(difference))
    assumptions = head_plan["outputs"].get("review")
    if base_plan["resources"]:
        # The base's own assumptions when it has them, or the head's, so the delta is the change's.
        review.cost_base = estimate_plan(base_plan, base_plan["outputs"].get("review", assumptions or {}))
    if head_plan["resources"]:
        review.cost_head = estimate_plan(head_plan)
        review.deploy_head = schedule_plan(head_plan)
        replaced = {alarm.ref for alarm in review.alarms if alarm.kind == "replacing input"}
        review.update = update_schedule(difference, head_plan, replaced)
    return review


def update_schedule(
    difference: StackDifference, head: dict[str, Any], replaced: set[str] | frozenset[str] = frozenset()
) -> Schedule:
    """The critical path of the change alone: created, replaced (created anew) and updated
    resources take their time, unchanged ones none (deletions run at the end, not modelled)."""
    added, changed = set(difference.added) | set(replaced), set(difference.changed)

    def seconds(resource: dict[str, Any]) -> float:
        ref = f"{resource['type']}::{resource['name']}"
        if ref in added:
            return seconds_for(resource, "create")
        return seconds_for(resource, "update") if ref in changed else 0.0

    return schedule_plan(head, seconds)
