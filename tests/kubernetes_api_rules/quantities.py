"""Rule 1: quantities parse and are not negative; requests <= limits; quotas whole; limit ranges ordered.

Sources: pkg/apis/core/validation/validation.go (ValidateResourceRequirements, ValidateResourceQuotaSpec,
ValidateLimitRange); the quantity grammar itself is in grammar.py.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from tests.kubernetes_api_rules.grammar import quantity
from tests.kubernetes_api_rules.manifests import (
    Manifest,
    Problems,
    _container_label,
    _get,
    claim_specs,
    containers,
    pod_spec,
)

# ---------------------------------------------------------------------------------------------
# Rule 1: quantities
# ---------------------------------------------------------------------------------------------

# pkg/apis/core/helper/helpers.go IsIntegerResourceName (standard names) and count/<resource>.
_INTEGER_QUOTA_RESOURCES = {
    "pods",
    "services",
    "replicationcontrollers",
    "resourcequotas",
    "secrets",
    "configmaps",
    "persistentvolumeclaims",
    "services.nodeports",
    "services.loadbalancers",
}
# ValidateLimitRange compares these pairwise in this order: min <= defaultRequest <= default <= max.
_LIMIT_RANGE_ORDER = ("min", "defaultRequest", "default", "max")


def _resource_list(path: str, resources: Any) -> list[tuple[str, Any]]:
    return [(f"{path}.{name}", value) for name, value in (resources or {}).items()]


def _requirements(path: str, requirements: Any) -> list[tuple[str, Any]]:
    requirements = requirements or {}
    return [
        *_resource_list(f"{path}.requests", requirements.get("requests")),
        *_resource_list(f"{path}.limits", requirements.get("limits")),
    ]


def _pod_quantities(spec: dict[str, Any]) -> list[tuple[str, Any]]:
    fields = _requirements("spec.resources", spec.get("resources"))
    for container in containers(spec):
        fields += _requirements(f"{_container_label(container)}.resources", container.get("resources"))
    for volume in spec.get("volumes", []):
        if _get(volume, "emptyDir", "sizeLimit") is not None:
            fields.append((f"volumes[{volume.get('name')}].emptyDir.sizeLimit", volume["emptyDir"]["sizeLimit"]))
    return fields


def _limit_range_quantities(manifest: Manifest) -> list[tuple[str, Any]]:
    return [
        (f"spec.limits[{index}].{key}.{name}", value)
        for index, item in enumerate(_get(manifest, "spec", "limits") or [])
        for key in (*_LIMIT_RANGE_ORDER, "maxLimitRequestRatio")
        for name, value in (item.get(key) or {}).items()
    ]


def _volume_sizes(manifest: Manifest) -> list[tuple[str, Any]]:
    return [
        (f"spec.blockDeviceMappings[{index}].ebs.volumeSize", mapping["ebs"]["volumeSize"])
        for index, mapping in enumerate(_get(manifest, "spec", "blockDeviceMappings") or [])
        if _get(mapping, "ebs", "volumeSize") is not None
    ]


def _metric_targets(manifest: Manifest) -> list[tuple[str, Any]]:
    return [
        (f"spec.metrics[{index}].{metric.get('type')}.target.{field}", target[field])
        for index, metric in enumerate(_get(manifest, "spec", "metrics") or [])
        for source in metric.values()
        if isinstance(source, dict) and isinstance(target := source.get("target"), dict)
        for field in ("value", "averageValue")
        if field in target
    ]


_KIND_QUANTITIES: dict[str, Callable[[Manifest], list[tuple[str, Any]]]] = {
    "ResourceQuota": lambda m: _resource_list("spec.hard", _get(m, "spec", "hard")),
    "LimitRange": _limit_range_quantities,
    "NodePool": lambda m: _resource_list("spec.limits", _get(m, "spec", "limits")),
    "EC2NodeClass": _volume_sizes,
    "HorizontalPodAutoscaler": _metric_targets,
}


def quantity_fields(manifest: Manifest) -> list[tuple[str, Any]]:
    """(path, value) of every resource quantity in a manifest."""
    fields = _pod_quantities(pod_spec(manifest) or {})
    for path, claim in claim_specs(manifest):
        fields += _requirements(f"{path}.resources", claim.get("resources"))
    extra = _KIND_QUANTITIES.get(str(manifest.get("kind")))
    return fields + (extra(manifest) if extra else [])


def _quantity_problems(path: str, value: Any) -> Problems:
    parsed = quantity(value)
    if parsed is None:
        return [f"{path}: {value!r} is not a Kubernetes quantity"]
    # ValidateNonnegativeQuantity / ValidateResourceQuantityValue
    return [f"{path}: {value!r} must not be negative"] if parsed < 0 else []


def _requests_within_limits(label: str, requirements: Any) -> Problems:
    """ValidateResourceRequirements: a request may not exceed the limit of the same resource."""
    requests, limits = (requirements or {}).get("requests") or {}, (requirements or {}).get("limits") or {}
    problems = []
    for name in requests.keys() & limits.keys():
        request, limit = quantity(requests[name]), quantity(limits[name])
        if request is not None and limit is not None and request > limit:
            problems.append(f"{label}: {name} request {requests[name]} exceeds its limit {limits[name]}")
    return problems


def _container_requests_within_limits(manifest: Manifest) -> Problems:
    spec = pod_spec(manifest) or {}
    problems = _requests_within_limits("pod resources", spec.get("resources"))
    for container in containers(spec):
        problems += _requests_within_limits(_container_label(container), container.get("resources"))
    return problems


def _quota_counts_are_integers(manifest: Manifest) -> Problems:
    """ValidateResourceQuotaSpec: object counts must be whole numbers."""
    if manifest.get("kind") != "ResourceQuota":
        return []
    return [
        f"spec.hard.{name}: {value!r} must be an integer"
        for name, value in (_get(manifest, "spec", "hard") or {}).items()
        if (name in _INTEGER_QUOTA_RESOURCES or name.startswith("count/"))
        and (parsed := quantity(value)) is not None
        and parsed != parsed.to_integral_value()
    ]


def _limit_range_is_ordered(manifest: Manifest) -> Problems:
    """ValidateLimitRange: min <= defaultRequest <= default <= max per resource; ratios >= 1."""
    if manifest.get("kind") != "LimitRange":
        return []
    problems = []
    for index, item in enumerate(_get(manifest, "spec", "limits") or []):
        for low_key, high_key in _ordered_pairs(_LIMIT_RANGE_ORDER):
            for name in (item.get(low_key) or {}).keys() & (item.get(high_key) or {}).keys():
                low, high = quantity(item[low_key][name]), quantity(item[high_key][name])
                if low is not None and high is not None and low > high:
                    problems.append(f"spec.limits[{index}].{name}: {low_key} exceeds {high_key}")
        for name, ratio in (item.get("maxLimitRequestRatio") or {}).items():
            if (parsed := quantity(ratio)) is not None and parsed < 1:
                problems.append(f"spec.limits[{index}].maxLimitRequestRatio.{name}: {ratio!r} is less than 1")
    return problems


def _ordered_pairs(keys: Sequence[str]) -> list[tuple[str, str]]:
    return [(keys[i], keys[j]) for i in range(len(keys)) for j in range(i + 1, len(keys))]


def check_quantities(manifest: Manifest, objects: Sequence[Manifest] = ()) -> Problems:
    """Every quantity parses and is not negative; requests <= limits; quota counts whole; limit ranges ordered."""
    problems = [problem for path, value in quantity_fields(manifest) for problem in _quantity_problems(path, value)]
    return (
        problems
        + _container_requests_within_limits(manifest)
        + _quota_counts_are_integers(manifest)
        + _limit_range_is_ordered(manifest)
    )
