"""Rule 7: every PodDisruptionBudget allows a disruption.

Sources: pkg/controller/disruption/disruption.go, pkg/apis/policy/validation/validation.go
(ValidatePodDisruptionBudgetSpec), k8s.io/apimachinery/pkg/util/intstr.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from tests.kubernetes_api_rules.manifests import (
    Manifest,
    Problems,
    _get,
    _in_namespace,
    _name,
    _namespace,
    workloads_selected,
)

# Controllers the disruption controller can read a scale from (disruption.go finders()).
_SCALABLE_KINDS = {"Deployment", "StatefulSet", "ReplicaSet", "ReplicationController"}
# An IntOrString percentage (k8s.io/apimachinery/pkg/util/intstr).
_PERCENT = re.compile(r"\d+%")

# ---------------------------------------------------------------------------------------------
# Rule 7: every PodDisruptionBudget allows a disruption (pkg/controller/disruption/disruption.go)
# ---------------------------------------------------------------------------------------------


def replicas(workload: Manifest, objects: Sequence[Manifest]) -> int:
    """spec.replicas (default 1), or the minReplicas of an HPA that scales the workload."""
    for hpa in _in_namespace(objects, _namespace(workload), "HorizontalPodAutoscaler"):
        target = _get(hpa, "spec", "scaleTargetRef") or {}
        if target.get("kind") == workload.get("kind") and target.get("name") == _name(workload):
            return int(_get(hpa, "spec", "minReplicas") or 1)
    return int((workload.get("spec") or {}).get("replicas", 1))


def _budget_value_problems(spec: dict[str, Any]) -> Problems:
    """ValidatePodDisruptionBudgetSpec: a non-negative integer or a percentage of at most 100%."""
    problems = []
    for field in ("minAvailable", "maxUnavailable"):
        value = spec.get(field)
        if value is None or (isinstance(value, int) and not isinstance(value, bool) and value >= 0):
            continue
        if not (isinstance(value, str) and _PERCENT.fullmatch(value) and int(value[:-1]) <= 100):
            problems.append(f"spec.{field} {value!r} must be a non-negative integer or a percentage up to 100%")
    return problems


def _scaled(value: int | str, total: int) -> int:
    """intstr.GetScaledValueFromIntOrPercent(value, total, roundUp=true)."""
    if isinstance(value, int):
        return value
    return -(-int(value.rstrip("%")) * total // 100)


def disruptions_allowed(pdb: Manifest, objects: Sequence[Manifest]) -> tuple[int, str]:
    """(disruptionsAllowed at steady state, why) as getExpectedPodCount and updatePdbStatus compute it."""
    spec = pdb.get("spec") or {}
    selected = workloads_selected(objects, _namespace(pdb), spec.get("selector"))
    if not selected:
        return 0, "it selects no pods of any workload in the plan"
    by_scale = "maxUnavailable" in spec or isinstance(spec.get("minAvailable"), str)
    unscalable = [w for w in selected if w.get("kind") not in _SCALABLE_KINDS and w.get("kind") != "Pod"]
    if by_scale and unscalable:
        names = ", ".join(f"{w.get('kind')}/{_name(w)}" for w in unscalable)
        return 0, f"it selects pods of {names}, which has no scale subresource, so the controller fails safe"
    expected = sum(replicas(w, objects) for w in selected if w.get("kind") in _SCALABLE_KINDS)
    if "maxUnavailable" in spec:
        desired = max(expected - _scaled(spec["maxUnavailable"], expected), 0)
    elif "minAvailable" in spec:
        desired = _scaled(spec["minAvailable"], expected)
    else:
        return 0, "it sets neither minAvailable nor maxUnavailable"
    return expected - desired, f"{expected} expected pods, {desired} must stay healthy"


def check_disruption_budget(manifest: Manifest, objects: Sequence[Manifest] = ()) -> Problems:
    """A PodDisruptionBudget lets at least one pod be evicted, or it blocks every drain."""
    if manifest.get("kind") != "PodDisruptionBudget":
        return []
    spec = manifest.get("spec") or {}
    if "minAvailable" in spec and "maxUnavailable" in spec:
        return ["minAvailable and maxUnavailable cannot both be set (ValidatePodDisruptionBudgetSpec)"]
    if problems := _budget_value_problems(spec):
        return problems
    allowed, why = disruptions_allowed(manifest, objects)
    return [] if allowed >= 1 else [f"allows {max(allowed, 0)} disruptions: {why}"]
