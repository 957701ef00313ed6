"""The system node group and the pods it must hold, read from a plan (offline_plan.plan_file). Pure."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from capacity.catalog import Catalog, Owner, Requests, WorkloadSpec
from capacity.quantities import cpu_millicores, memory_mib

NODE_GROUP_TYPE = "eks:index:ManagedNodeGroup"
ADDON_TYPE = "aws:eks/addon:Addon"
RELEASE_TYPE = "kubernetes:helm.sh/v3:Release"


class CapacityModelError(ValueError):
    """The plan holds something the capacity model cannot size; the data file needs an entry."""


@dataclass(frozen=True)
class NodeGroup:
    instance_types: tuple[str, ...]
    min_size: int
    labels: Mapping[str, str]


@dataclass(frozen=True)
class Pod:
    name: str
    workload: str
    requests: Requests
    # Replicas of the same workload must land on distinct nodes.
    anti_affinity: bool = False


def node_group(plan: dict[str, Any]) -> NodeGroup:
    groups = [r for r in plan["resources"] if r["type"] == NODE_GROUP_TYPE]
    if len(groups) != 1:
        raise CapacityModelError(f"expected one {NODE_GROUP_TYPE}, found {len(groups)}")
    inputs = groups[0]["inputs"]
    return NodeGroup(
        instance_types=tuple(inputs["instanceTypes"]),
        min_size=int(inputs["scalingConfig"]["minSize"]),
        labels=dict(inputs.get("labels") or {}),
    )


def owner_configs(plan: dict[str, Any]) -> dict[Owner, dict[str, Any]]:
    """Each add-on's configurationValues and each Helm release's values, by what deploys them."""
    configs: dict[Owner, dict[str, Any]] = {}
    for resource in plan["resources"]:
        inputs = resource["inputs"]
        if resource["type"] == ADDON_TYPE:
            configs[Owner("addon", inputs["addonName"])] = _decoded(inputs.get("configurationValues"))
        elif resource["type"] == RELEASE_TYPE:
            configs[Owner("chart", inputs["chart"].rsplit("/", 1)[-1])] = _decoded(inputs.get("values"))
    return configs


def _decoded(config: Any) -> dict[str, Any]:
    if isinstance(config, str):
        try:
            config = json.loads(config)
        except json.JSONDecodeError as error:
            # "[unknown]"/"[secret]" markers: the plan does not know what will be deployed.
            raise CapacityModelError(f"configuration is not known in the plan: {config!r}") from error
    return dict(config or {})


def at(values: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    """The value at a key path, None when any key is missing."""
    current: Any = values
    for key in path:
        if not isinstance(current, Mapping):
            return None
        current = current.get(key)
    return current


def selects(section: Any, labels: Mapping[str, str]) -> bool:
    """A nodeSelector that names the node group's labels and agrees with them.

    Keys the node group does not set (kubernetes.io/os, ...) are the kubelet's own labels, which the
    plan does not carry; they are taken as matching."""
    selector = section.get("nodeSelector") if isinstance(section, Mapping) else None
    if not isinstance(selector, Mapping):
        return False
    shared = labels.keys() & selector.keys()
    return bool(shared) and all(selector[key] == labels[key] for key in shared)


def system_selecting_sections(
    values: Any, labels: Mapping[str, str], path: tuple[str, ...] = ()
) -> Iterator[tuple[str, ...]]:
    """Every key path whose nodeSelector picks the system nodes."""
    if not isinstance(values, Mapping):
        return
    if selects(values, labels):
        yield path
    for key, value in values.items():
        yield from system_selecting_sections(value, labels, (*path, key))


def ensure_modelled(catalog: Catalog, configs: dict[Owner, dict[str, Any]], labels: Mapping[str, str]) -> None:
    """Refuse to answer when a pod is put on the system nodes that the data file does not size."""
    for owner, values in configs.items():
        unknown = set(system_selecting_sections(values, labels)) - catalog.sections(owner)
        if unknown:
            paths = ", ".join(".".join(path) or "(top level)" for path in sorted(unknown))
            raise CapacityModelError(
                f"{owner.kind} {owner.name}: {paths} selects the system nodes but capacity/data/system_pods.yaml "
                "has no workload for it"
            )


def requests_of(spec: WorkloadSpec, values: Mapping[str, Any]) -> Requests:
    """Requests from the values where the program sets them, else the chart's default.

    Helm deep-merges values over the chart's, so a key the values leave out keeps its default."""
    override = at(values, (*spec.section, *spec.resources, "requests")) if spec.resources else None
    if not isinstance(override, Mapping):
        return spec.requests
    cpu = cpu_millicores(override["cpu"]) if "cpu" in override else spec.requests.cpu_millicores
    memory = memory_mib(override["memory"]) if "memory" in override else spec.requests.memory_mib
    return Requests(cpu, memory)


def replicas_of(spec: WorkloadSpec, values: Mapping[str, Any]) -> int:
    configured = at(values, (*spec.section, spec.replicas_key)) if spec.replicas_key else None
    return spec.replicas if configured is None else int(configured)


def daemonset_pods(catalog: Catalog, configs: dict[Owner, dict[str, Any]]) -> list[Pod]:
    """One pod of each DaemonSet whose owner is deployed; every one tolerates the system taint."""
    return [
        Pod(spec.name, spec.name, requests_of(spec, configs[spec.owner]))
        for spec in catalog.daemonsets
        if spec.owner in configs
    ]


def deployment_pods(catalog: Catalog, configs: dict[Owner, dict[str, Any]], labels: Mapping[str, str]) -> list[Pod]:
    """Every replica whose nodeSelector puts it on the system nodes."""
    pods: list[Pod] = []
    for spec in catalog.deployments:
        values = configs.get(spec.owner)
        if values is None or not selects(at(values, spec.section), labels):
            continue
        requests = requests_of(spec, values)
        pods.extend(
            Pod(f"{spec.name}-{index}", spec.name, requests, spec.required_anti_affinity)
            for index in range(1, replicas_of(spec, values) + 1)
        )
    return pods
