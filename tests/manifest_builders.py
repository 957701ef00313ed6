"""Small hand-built Kubernetes manifests for the negative tests of tests/kubernetes_api_rules/.

Each builder returns a manifest every rule accepts (test_kubernetes_api_rules_negative.py checks
that); a case changes one thing in it. `bad` makes one pytest case of a rule, a bad manifest and
the fragment of the problem the rule must report.
"""

from __future__ import annotations

from typing import Any

import pytest

NS = "app"
GOOD_SECURITY = {
    "allowPrivilegeEscalation": False,
    "capabilities": {"drop": ["ALL"]},
    "runAsNonRoot": True,
    "seccompProfile": {"type": "RuntimeDefault"},
}


def namespace(level: str = "restricted", name: str = NS) -> dict[str, Any]:
    labels = {"pod-security.kubernetes.io/enforce": level}
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": labels}}


def container(**changes: Any) -> dict[str, Any]:
    return {
        "name": "app",
        "image": "registry.example.com/app:1.0",
        "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
        "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}, "limits": {"cpu": "500m", "memory": "128Mi"}},
        "securityContext": dict(GOOD_SECURITY),
        **changes,
    }


def insecure(**changes: Any) -> dict[str, Any]:
    """A container whose securityContext differs from the good one by `changes` (None removes a field)."""
    security = {**GOOD_SECURITY, **changes}
    return container(securityContext={key: value for key, value in security.items() if value is not None})


def deployment(*containers: dict[str, Any], replicas: int = 2, name: str = "app", **pod: Any) -> dict[str, Any]:
    spec = {"containers": list(containers) or [container()], **pod}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": NS},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {"metadata": {"labels": {"app": name}}, "spec": spec},
        },
    }


def service(*ports: dict[str, Any], name: str = "app", selector: dict[str, str] | None = None) -> dict[str, Any]:
    ports = ports or ({"name": "http", "port": 80, "targetPort": "http"},)
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "namespace": NS},
        "spec": {"selector": selector or {"app": "app"}, "ports": list(ports)},
    }


def pdb(**budget: Any) -> dict[str, Any]:
    spec = {"selector": {"matchLabels": {"app": "app"}}, **budget}
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": "app", "namespace": NS},
        "spec": spec,
    }


def hpa(minimum: int, maximum: int = 10, target: str = "app") -> dict[str, Any]:
    target_ref = {"apiVersion": "apps/v1", "kind": "Deployment", "name": target}
    spec = {"scaleTargetRef": target_ref, "minReplicas": minimum, "maxReplicas": maximum}
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": target, "namespace": NS},
        "spec": spec,
    }


def ingress(port: dict[str, Any], service_name: str = "app") -> dict[str, Any]:
    backend = {"service": {"name": service_name, "port": port}}
    paths = [{"path": "/", "pathType": "Prefix", "backend": backend}]
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {"name": "app", "namespace": NS},
        "spec": {"rules": [{"http": {"paths": paths}}]},
    }


def network_policy(direction: str, port: str, peers: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    rule: dict[str, Any] = {"ports": [{"protocol": "TCP", "port": port}]}
    if peers is not None:
        rule["to"] = peers
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": "app", "namespace": NS},
        "spec": {"podSelector": {"matchLabels": {"app": "app"}}, direction: [rule]},
    }


def job(labels: dict[str, str] | None = None, **pod: Any) -> dict[str, Any]:
    spec = {"containers": [container()], **pod}
    template = {"metadata": {"labels": labels or {"app": "init"}}, "spec": spec}
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "init", "namespace": NS},
        "spec": {"template": template},
    }


def cron_job(schedule: str = "*/15 * * * *", containers: list[Any] | None = None, **spec: Any) -> dict[str, Any]:
    pod = {"restartPolicy": "Never", "containers": containers or [container()]}
    job_template = {"spec": {"template": {"metadata": {"labels": {"app": "cron"}}, "spec": pod}}}
    return {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {"name": "report", "namespace": NS},
        "spec": {"schedule": schedule, "jobTemplate": job_template, **spec},
    }


def stateful_set(claim: dict[str, Any]) -> dict[str, Any]:
    manifest = deployment(name="db")
    manifest["kind"] = "StatefulSet"
    manifest["spec"]["volumeClaimTemplates"] = [{"metadata": {"name": "data"}, "spec": claim}]
    return manifest


def plain(api_version: str, kind: str, name: str = "x", namespace: str | None = NS, **fields: Any) -> dict[str, Any]:
    metadata = {"name": name} if namespace is None else {"name": name, "namespace": namespace}
    return {"apiVersion": api_version, "kind": kind, "metadata": metadata, **fields}


def labelled(labels: dict[str, Any] | None = None, annotations: dict[str, Any] | None = None) -> dict[str, Any]:
    manifest = plain("v1", "ConfigMap", data={})
    manifest["metadata"].update({"labels": labels or {}, "annotations": annotations or {}})
    return manifest


def bad(rule: str, subject: dict[str, Any], fragment: str, *others: dict[str, Any], case: str) -> Any:
    """`rule` must report a problem containing `fragment` for `subject`, given the other objects."""
    return pytest.param(rule, subject, list(others), fragment, id=f"{rule}/{case}")
