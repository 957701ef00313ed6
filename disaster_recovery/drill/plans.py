"""The offline side of a drill: the stacks' plans evaluated in-process (as `make plan` does), the
parity check, the standby-to-active difference and the modeled RTO."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from difference import compare_plans
from disaster_recovery.drill.aws_checks import Verdict, failed, passed
from disaster_recovery.parity import check_parity
from offline_plan.evaluate import evaluate_stack
from offline_plan.plan_file import build_plan
from review.promotion import Promotion, promotion


class PlanError(Exception):
    pass


class PlanSource(Protocol):
    def plan(self, stack: str) -> dict[str, Any]: ...

    def promotion(self, stack: str) -> Promotion | None: ...


class OfflinePlans:
    """Each stack evaluated at most once per run (an evaluation costs about a second)."""

    def __init__(self, project_dir: Path) -> None:
        self.project_dir = project_dir
        self._plans: dict[str, dict[str, Any]] = {}
        self._promotions: dict[str, Promotion | None] = {}

    def plan(self, stack: str) -> dict[str, Any]:
        if stack not in self._plans:
            evaluation = evaluate_stack(stack, self.project_dir)
            if evaluation.error:
                raise PlanError(f"stack '{stack}' does not plan: {evaluation.error}")
            self._plans[stack] = build_plan(evaluation)
        return self._plans[stack]

    def promotion(self, stack: str) -> Promotion | None:
        if stack not in self._promotions:
            self._promotions[stack] = promotion(self.plan(stack), self.project_dir)
        return self._promotions[stack]


def parity(plans: PlanSource, target: str, peer: str) -> Verdict:
    """The existing check `make plan` runs: the peer's graph against the target planned as active."""
    try:
        promoted = plans.promotion(target)
        if promoted is None:
            return failed(f"{target} has no promotion model (not standby, or review.rtoMinutes unset)")
        report = check_parity(plans.plan(peer), promoted.active_plan)
    except (PlanError, ValueError) as error:
        return failed(str(error))
    lines = report.lines()
    return passed(lines[0]) if report.clean else failed("; ".join(line.strip() for line in lines))


def difference_lines(standby_plan: dict[str, Any], active_plan: dict[str, Any], limit: int = 8) -> list[str]:
    """A short summary of what the promotion's `pulumi up` changes, from the offline plans: at
    most `limit` resources of each kind of change."""
    difference = compare_plans(standby_plan, active_plan)
    header = (
        f"plan difference {standby_plan['stack']} standby -> active: {len(difference.changed)} changed, "
        f"{len(difference.added)} added, {len(difference.removed)} removed"
    )
    changed = []
    for ref, changes in sorted(difference.changed.items()):
        shown = ", ".join(f"{c.path} {c.before} -> {c.after}" for c in changes[:2])
        more = f" (+{len(changes) - 2} more)" if len(changes) > 2 else ""
        changed.append(f"  ~ {ref}: {shown}{more}")
    added = [f"  + {ref}" for ref in sorted(difference.added)]
    removed = [f"  - {ref}" for ref in sorted(difference.removed)]
    return [
        header,
        *_at_most(changed, limit, "changed"),
        *_at_most(added, limit, "added"),
        *_at_most(removed, limit, "removed"),
    ]


def _at_most(lines: list[str], limit: int, kind: str) -> list[str]:
    return lines if len(lines) <= limit else [*lines[:limit], f"  ... and {len(lines) - limit} more {kind}"]
