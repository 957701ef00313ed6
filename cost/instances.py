"""Which instance types a Karpenter NodePool may launch, by its requirements and well-known labels."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable
from typing import Any

from settings.aws_catalog import InstanceType, ec2_instance_types, instance_type

_FAMILY = re.compile(r"^([a-z]+)(\d+)([a-z-]*)$")
_ARCHITECTURES = {"amd64": "x86_64", "arm64": "arm64"}


def category_and_generation(name: str) -> tuple[str, int] | None:
    """karpenter.k8s.aws/instance-category and -generation: m7i.large is category m, generation 7."""
    match = _FAMILY.match(name.split(".")[0])
    return (match.group(1), int(match.group(2))) if match else None


def allowed_types(requirements: Iterable[dict[str, Any]], priced: Iterable[str]) -> list[InstanceType]:
    """Every priced type the requirements admit (In/NotIn/Gt/Lt on the labels the platform uses)."""
    return list(_allowed(json.dumps(list(requirements), sort_keys=True), frozenset(priced)))


@functools.lru_cache(maxsize=64)
def _allowed(requirements_json: str, priced: frozenset[str]) -> tuple[InstanceType, ...]:
    requirements = json.loads(requirements_json)
    candidates = []
    for name in sorted(priced & ec2_instance_types()):
        found = instance_type(name)
        labels = _labels(name, found) if found else None
        if found and labels and all(_admits(requirement, labels) for requirement in requirements):
            candidates.append(found)
    return tuple(candidates)


def _labels(name: str, instance: InstanceType) -> dict[str, list[str]] | None:
    family = category_and_generation(name)
    if family is None:
        return None
    arches = [kube for kube, ec2 in _ARCHITECTURES.items() if ec2 in instance.architectures]
    return {
        "karpenter.k8s.aws/instance-category": [family[0]],
        "karpenter.k8s.aws/instance-generation": [str(family[1])],
        "kubernetes.io/arch": arches,
        "kubernetes.io/os": ["linux"],
        "node.kubernetes.io/instance-type": [name],
    }


def _admits(requirement: dict[str, Any], labels: dict[str, list[str]]) -> bool:
    key, operator, values = requirement["key"], requirement["operator"], requirement.get("values", [])
    if key == "karpenter.sh/capacity-type" or key not in labels:
        return True  # capacity type prices, it does not exclude types; unknown labels do not narrow here
    have = labels[key]
    if operator == "In":
        return any(value in values for value in have)
    if operator == "NotIn":
        return not any(value in values for value in have)
    if operator in ("Gt", "Lt"):
        number = int(have[0])
        bound = int(values[0])
        return number > bound if operator == "Gt" else number < bound
    return True
