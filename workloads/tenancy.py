"""A tenant namespace: Pod Security `restricted`, the workload admission rules, a quota, default limits,
default deny."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from addons.admission.selection import workload_namespace_labels
from addons.platform_namespaces import RESTRICTED, pod_security_labels


@dataclass(frozen=True)
class Quota:
    """Upper bounds for the whole namespace, sized by the caller from its workloads."""

    cpu: str
    memory: str
    pods: int
    storage: str = "0"
    volume_claims: int = 0


def namespace_manifests(name: str, quota: Quota, extra_labels: dict[str, str] | None = None) -> list[dict[str, Any]]:
    return [_namespace(name, extra_labels or {}), _quota(name, quota), _limit_range(name), *_network_baseline(name)]


def _namespace(name: str, extra_labels: dict[str, str]) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Namespace",
        # The workload admission rules check every tenant namespace (addons/admission/selection.py).
        "metadata": {
            "name": name,
            "labels": {**pod_security_labels(RESTRICTED), **workload_namespace_labels(), **extra_labels},
        },
    }


def _quota(name: str, quota: Quota) -> dict[str, Any]:
    hard = {
        "requests.cpu": quota.cpu,
        "limits.cpu": quota.cpu,
        "requests.memory": quota.memory,
        "limits.memory": quota.memory,
        "pods": str(quota.pods),
        "requests.storage": quota.storage,
        "persistentvolumeclaims": str(quota.volume_claims),
        "services.loadbalancers": "0",
        "services.nodeports": "0",
    }
    return {
        "apiVersion": "v1",
        "kind": "ResourceQuota",
        "metadata": {"name": "tenant", "namespace": name},
        "spec": {"hard": hard},
    }


def _limit_range(name: str) -> dict[str, Any]:
    """Defaults for a container that forgets its own, so the quota never rejects it silently."""
    return {
        "apiVersion": "v1",
        "kind": "LimitRange",
        "metadata": {"name": "container-defaults", "namespace": name},
        "spec": {
            "limits": [
                {
                    "type": "Container",
                    "defaultRequest": {"cpu": "50m", "memory": "64Mi"},
                    "default": {"cpu": "250m", "memory": "256Mi"},
                    "max": {"cpu": "2", "memory": "4Gi"},
                }
            ]
        },
    }


def _network_baseline(name: str) -> list[dict[str, Any]]:
    """Deny everything, then allow DNS to CoreDNS; workloads add their own flows."""
    deny = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": "default-deny", "namespace": name},
        "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]},
    }
    dns = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": "allow-dns", "namespace": name},
        "spec": {
            "podSelector": {},
            "policyTypes": ["Egress"],
            "egress": [
                {
                    "to": [
                        {
                            "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
                            "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}},
                        }
                    ],
                    "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}],
                }
            ],
        },
    }
    return [deny, dns]
