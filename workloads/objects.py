"""Small builders for objects every sample workload declares the same way."""

from __future__ import annotations

from typing import Any

from workloads.hardening import labels, selector


def disruption_budget(namespace: str, app: str, component: str | None = None) -> dict[str, Any]:
    """At most one of the app's pods (of one component) down at a time.

    maxUnavailable, not minAvailable: a single-replica deployment can still be drained. A
    budget that also selects a Job's pods allows no disruption at all (Jobs have no scale).
    """
    match = {**selector(app), **({"app.kubernetes.io/component": component} if component else {})}
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": app, "namespace": namespace, "labels": labels(app)},
        "spec": {"maxUnavailable": 1, "selector": {"matchLabels": match}},
    }


def network_policy(
    namespace: str, app: str, ingress: list[dict[str, Any]], egress: list[dict[str, Any]]
) -> dict[str, Any]:
    """The flows `app` is allowed on top of its namespace's default deny."""
    spec: dict[str, Any] = {"podSelector": {"matchLabels": selector(app)}, "policyTypes": ["Ingress", "Egress"]}
    if ingress:
        spec["ingress"] = ingress
    if egress:
        spec["egress"] = egress
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": app, "namespace": namespace, "labels": labels(app)},
        "spec": spec,
    }
