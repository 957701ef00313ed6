"""Stack-pair rules: a DR standby, planned as active, declares the same graph as its peer. Only the
offline path can hold two stacks at once (a preview sees one), so these run in `make plan`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from disaster_recovery import ParityReport
from policy.results import MANDATORY, PolicyResult

SAME_COMPONENTS = "dr-stack-declares-its-peers-components"
SAME_GRAPH = "dr-stack-matches-its-peer"


def components(plan: Mapping[str, Any]) -> dict[str, int]:
    """Component types (the project's own, and pulumi-eks's) with how many of each the stack declares."""
    counts: dict[str, int] = {}
    for entry in plan["resources"]:
        if not entry["custom"]:
            counts[entry["type"]] = counts.get(entry["type"], 0) + 1
    return counts


def pair_results(
    active: Mapping[str, Any], standby_as_active: Mapping[str, Any], report: ParityReport
) -> list[PolicyResult]:
    return _component_results(active, standby_as_active, report.standby) + [
        PolicyResult(
            SAME_GRAPH,
            MANDATORY,
            finding.ref,
            f"{finding.path}: {finding.before} -> {finding.after}; "
            "not declared in disaster_recovery/data/parity_allowed.yaml",
            "stack-pair",
        )
        for finding in report.unexplained
    ]


def _component_results(active: Mapping[str, Any], standby: Mapping[str, Any], standby_name: str) -> list[PolicyResult]:
    ours, theirs = components(standby), components(active)
    results = []
    for kind in sorted(set(ours) | set(theirs)):
        if ours.get(kind, 0) != theirs.get(kind, 0):
            message = (
                f"{standby_name} as active declares {ours.get(kind, 0)} {kind}, its peer {active['stack']} "
                f"{theirs.get(kind, 0)}"
            )
            results.append(PolicyResult(SAME_COMPONENTS, MANDATORY, None, message, "stack-pair"))
    return results
