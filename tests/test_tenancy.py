"""Tenant namespaces: Pod Security `restricted`, a quota, default limits, default deny."""

from __future__ import annotations

import pytest

SAMPLE_NAMESPACES = ("web", "mongodb", "batch")


def namespaced(stack, kind, namespace):
    return [
        r["inputs"]
        for r in stack.resources
        if r["inputs"].get("kind") == kind and r["inputs"].get("metadata", {}).get("namespace") == namespace
    ]


@pytest.mark.parametrize("namespace", SAMPLE_NAMESPACES)
def test_namespace_enforces_restricted_pod_security(any_stack, namespace):
    (obj,) = [
        r for r in any_stack.of_type("kubernetes:core/v1:Namespace") if r["inputs"]["metadata"]["name"] == namespace
    ]
    labels = obj["inputs"]["metadata"]["labels"]
    for mode in ("enforce", "audit", "warn"):
        assert labels[f"pod-security.kubernetes.io/{mode}"] == "restricted"


@pytest.mark.parametrize("namespace", SAMPLE_NAMESPACES)
def test_namespace_has_a_quota_and_container_defaults(any_stack, namespace):
    (quota,) = namespaced(any_stack, "ResourceQuota", namespace)
    hard = quota["spec"]["hard"]
    assert {"requests.cpu", "limits.cpu", "requests.memory", "limits.memory", "pods"} <= set(hard)
    assert hard["services.loadbalancers"] == "0"
    (limits,) = namespaced(any_stack, "LimitRange", namespace)
    (container,) = limits["spec"]["limits"]
    assert container["type"] == "Container"
    assert container["default"]
    assert container["defaultRequest"]


@pytest.mark.parametrize("namespace", SAMPLE_NAMESPACES)
def test_namespace_denies_all_traffic_by_default(any_stack, namespace):
    policies = {p["metadata"]["name"]: p["spec"] for p in namespaced(any_stack, "NetworkPolicy", namespace)}
    assert policies["default-deny"] == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
    dns = policies["allow-dns"]
    assert dns["policyTypes"] == ["Egress"]
    assert {p["port"] for rule in dns["egress"] for p in rule["ports"]} == {53}


def test_mongodb_quota_covers_its_volumes(prod):
    (quota,) = namespaced(prod, "ResourceQuota", "mongodb")
    (stateful_set,) = namespaced(prod, "StatefulSet", "mongodb")
    replicas = stateful_set["spec"]["replicas"]
    size = int(stateful_set["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]["storage"].rstrip("Gi"))
    assert quota["spec"]["hard"]["persistentvolumeclaims"] == str(replicas)
    assert quota["spec"]["hard"]["requests.storage"] == f"{replicas * size}Gi"
