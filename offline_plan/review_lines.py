"""What `make plan` prints and writes beside each plan from the readers of the graph: the cost
estimate (and build/plan/<stack>.cost.json), the deploy time from empty, a standby's modeled
promotion, and the targets settings hold them to."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cost import CostEstimate, cost_table, estimate_plan, one_line, target_lines
from cost.prices import region_prices
from deploy_time import schedule_plan
from review.promotion import promotion


def review_lines(plan: dict[str, Any], out: Path, project_dir: Path, table: bool) -> CostEstimate:
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
        f"critical path {len(schedule.path)} resources, {len(schedule.explicit_edges)} explicit dependsOn on it"
    )
    promoted = promotion(plan, project_dir)
    if promoted is not None:
        print(promoted.line())
    return estimate


def target_report(estimates: dict[str, CostEstimate]) -> list[str]:
    lines = []
    for stack, estimate in estimates.items():
        for text, held in target_lines(estimate, estimates):
            lines.append(f"target {stack}: {text}{'' if held else '  <-- not met'}")
    return lines
