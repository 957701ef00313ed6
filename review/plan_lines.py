"""What `make plan` prints and writes beside each plan from the readers of the graph: the cost
estimate (and build/plan/<stack>.cost.json), the deploy time from empty, a standby's modeled
promotion, and the targets settings hold them to."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cost import CostEstimate, cost_table, estimate_plan, one_line, target_lines
from cost.prices import region_prices
from deploy_time import Schedule, schedule_plan
from disaster_recovery import ParityReport, check_parity
from review.promotion import Promotion, promotion


@dataclass(frozen=True)
class StackReviewData:
    estimate: CostEstimate
    promotion: Promotion | None


def review_lines(plan: dict[str, Any], out: Path, project_dir: Path, table: bool) -> StackReviewData:
    estimate = estimate_plan(plan)
    path = out / f"{plan['stack']}.cost.json"
    document = json.dumps(estimate.as_json(region_prices(estimate.region)), indent=2, sort_keys=True) + "\n"
    if not path.is_file() or path.read_text() != document:
        path.write_text(document)
    print(f"\n{one_line(estimate)}")
    if table:
        print(cost_table(estimate))
    schedule = schedule_plan(plan)
    print(
        f"deploy time from empty: {schedule.total_seconds / 60:.1f} min modeled (parallelism {schedule.parallelism}); "
        f"critical path, {len(schedule.explicit_edges)} of its steps waiting by explicit dependsOn:"
    )
    print(critical_path_lines(schedule))
    promoted = promotion(plan, project_dir)
    if promoted is not None:
        print(promoted.line())
    return StackReviewData(estimate, promoted)


def critical_path_lines(schedule: Schedule) -> str:
    lines = []
    for step in schedule.path:
        explicit = "  (explicit dependsOn)" if step.explicit else ""
        lines.append(f"  {step.finishes_at:>6.0f} s  +{step.seconds:>4.0f} s  {step.ref}{explicit}")
    return "\n".join(lines)


def parity_reports(plans: dict[str, dict[str, Any]], data: dict[str, StackReviewData]) -> list[ParityReport]:
    """Each standby planned as active against its peer, when both are in this run."""
    reports = []
    for stack, reviewed in data.items():
        peer = plans[stack]["outputs"].get("review", {}).get("peerStack")
        if reviewed.promotion is not None and peer in plans:
            reports.append(check_parity(plans[peer], reviewed.promotion.active_plan))
    return reports


def target_report(data: dict[str, StackReviewData]) -> list[str]:
    estimates = {stack: reviewed.estimate for stack, reviewed in data.items()}
    lines = []
    for stack, estimate in estimates.items():
        for text, held in target_lines(estimate, estimates):
            lines.append(f"target {stack}: {text}{'' if held else '  <-- not met'}")
    return lines
