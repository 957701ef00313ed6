"""Every policy over one planned stack: the CrossGuard pack's rules through the harness, and the
Kubernetes admission rules the plan itself declares. Mandatory findings fail `make plan`."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from policy.admission import admission_results, checked_object_counts
from policy.harness import check_plan
from policy.pack import policies
from policy.results import PolicyResult
from policy.stack_facts import pack_config


def check_stack(plan: Mapping[str, Any], facts: Mapping[str, Any]) -> list[PolicyResult]:
    rules = policies()
    return check_plan(plan, rules, pack_config(rules, dict(facts))) + admission_results(dict(plan))


def summary_lines(stack: str, results: list[PolicyResult], plan: Mapping[str, Any]) -> list[str]:
    mandatory = [result for result in results if result.blocks]
    advisory = [result for result in results if not result.blocks]
    admission = checked_object_counts(dict(plan))
    lines = [
        f"policy {stack}: {len(policies())} pack rules, {len(admission)} admission policies over "
        f"{sum(admission.values())} object checks; {len(mandatory)} mandatory, {len(advisory)} advisory"
    ]
    lines.extend(f"  {result.line()}" for result in mandatory + advisory)
    return lines


def write_results(stack: str, results: list[PolicyResult], out_dir: Path) -> Path:
    path = out_dir / f"{stack}.policy.json"
    path.write_text(json.dumps([result.as_json() for result in results], indent=2, sort_keys=True) + "\n")
    return path
