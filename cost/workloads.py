"""The pods that run on Karpenter's nodes, read from the plan: workload objects and the charts'
servers that do not sit on the system nodes. Jobs and CronJobs come and go and are left out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from capacity.catalog import Requests
from capacity.plan_reading import Pod
from capacity.quantities import memory_mib

SYSTEM_POOL_LABEL = "node.eks-platform.io/pool"


@dataclass(frozen=True)
class Placed:
    pod: Pod
    node_selector: dict[str, str]
    volume_gib: float  # persistent volume claimed by this pod


def karpenter_pods(plan: dict[str, Any]) -> list[Placed]:
    resources = plan["resources"]
    minimum = _hpa_minimums(resources)
    pods: list[Placed] = []
    for resource in resources:
        if resource["type"] in ("kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet"):
            pods += _workload_pods(resource, minimum)
        elif resource["type"] == "kubernetes:helm.sh/v3:Release":
            pods += _chart_pods(resource)
    return [placed for placed in pods if placed.node_selector.get(SYSTEM_POOL_LABEL) != "system"]


def _hpa_minimums(resources: list[dict[str, Any]]) -> dict[str, int]:
    minimums = {}
    for resource in resources:
        if resource["type"].startswith("kubernetes:autoscaling/") and resource["type"].endswith(
            ":HorizontalPodAutoscaler"
        ):
            spec = resource["inputs"].get("spec", {})
            minimums[spec.get("scaleTargetRef", {}).get("name", "")] = int(spec.get("minReplicas", 1))
    return minimums


def _workload_pods(resource: dict[str, Any], minimum: dict[str, int]) -> list[Placed]:
    inputs = resource["inputs"]
    name = inputs["metadata"]["name"]
    spec = inputs["spec"]
    replicas = minimum.get(name, spec.get("replicas", 1))
    pod_spec = spec["template"]["spec"]
    requests = _sum_requests(container.get("resources", {}).get("requests", {}) for container in pod_spec["containers"])
    claims = sum(
        memory_mib(claim["spec"]["resources"]["requests"]["storage"]) / 1024
        for claim in spec.get("volumeClaimTemplates", [])
    )
    selector = dict(pod_spec.get("nodeSelector") or {})
    return [Placed(Pod(f"{name}-{i}", name, requests, anti_affinity=True), selector, claims) for i in range(replicas)]


def _chart_pods(resource: dict[str, Any]) -> list[Placed]:
    """kube-prometheus-stack's Prometheus, Alertmanager and Grafana, as its values size them."""
    values = resource["inputs"].get("values") or {}
    if resource["inputs"].get("chart") != "kube-prometheus-stack" and "prometheus" not in values:
        return []
    servers = (
        ("prometheus", values.get("prometheus", {}).get("prometheusSpec", {}), "storageSpec"),
        ("alertmanager", values.get("alertmanager", {}).get("alertmanagerSpec", {}), "storage"),
        ("grafana", values.get("grafana", {}), None),
    )
    pods = []
    for name, spec, storage_key in servers:
        if not spec or spec.get("enabled") is False:
            continue
        requests = Requests.parse((spec.get("resources") or {}).get("requests", {}))
        claim = ((spec.get(storage_key) or {}) if storage_key else {}).get("volumeClaimTemplate", {})
        size = claim.get("spec", {}).get("resources", {}).get("requests", {}).get("storage")
        gib = memory_mib(size) / 1024 if size else 0.0
        selector = dict(spec.get("nodeSelector") or {})
        for i in range(int(spec.get("replicas", 1) or 1)):
            pods.append(Placed(Pod(f"{name}-{i}", name, requests, anti_affinity=True), selector, gib))
    return pods


def _sum_requests(requests: Any) -> Requests:
    parsed = [Requests.parse(item or {}) for item in requests]
    return Requests(sum(r.cpu_millicores for r in parsed), sum(r.memory_mib for r in parsed))
