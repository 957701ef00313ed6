"""Typical seconds per resource type and action, with sources (deploy_time/data/durations.yaml)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

DURATIONS = Path(__file__).resolve().parent / "data" / "durations.yaml"


@functools.cache
def durations() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(DURATIONS.read_text())
    return data


def default_parallelism() -> int:
    return int(durations()["parallelism"]["default"])


def seconds_for(resource: dict[str, Any], action: str) -> float:
    """`action` is "create" or "update"; refinements by chart, add-on, name or replica count first."""
    table = durations()
    entry = table["types"].get(resource["type"], table["default"])
    inputs = resource.get("inputs") or {}
    for refinement, key in (
        ("by_name", resource["name"]),
        ("by_chart", inputs.get("chart")),
        ("by_addon", inputs.get("addonName")),
    ):
        specific = (entry.get(refinement) or {}).get(key)
        if specific and action in specific:
            return float(specific[action])
    per_replica = entry.get(f"{action}_per_replica")
    if per_replica is not None:
        # OrderedReady StatefulSets start their pods one after another.
        return float(per_replica) * int((inputs.get("spec") or {}).get("replicas", 1))
    return float(entry[action])
