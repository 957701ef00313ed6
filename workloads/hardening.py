"""Pod and container settings every sample workload shares: Pod Security `restricted`."""

from __future__ import annotations

from typing import Any

# A fixed high UID/GID outside the range images and hosts use for system users.
WORKLOAD_UID = 10001
# The EKS Pod Identity agent's link-local endpoint, which serves pod credentials.
POD_IDENTITY_AGENT_CIDR = "169.254.170.23/32"


def pod_security_context() -> dict[str, Any]:
    return {
        "runAsNonRoot": True,
        "runAsUser": WORKLOAD_UID,
        "runAsGroup": WORKLOAD_UID,
        "fsGroup": WORKLOAD_UID,
        "seccompProfile": {"type": "RuntimeDefault"},
    }


def container_security_context() -> dict[str, Any]:
    return {
        "runAsNonRoot": True,
        "runAsUser": WORKLOAD_UID,
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "privileged": False,
        "capabilities": {"drop": ["ALL"]},
        "seccompProfile": {"type": "RuntimeDefault"},
    }


def labels(app: str, component: str | None = None) -> dict[str, str]:
    result = {"app.kubernetes.io/name": app, "app.kubernetes.io/part-of": "eks-platform"}
    if component:
        result["app.kubernetes.io/component"] = component
    return result


def selector(app: str) -> dict[str, str]:
    return {"app.kubernetes.io/name": app}


def scratch_volume(name: str, size: str = "64Mi") -> dict[str, Any]:
    """A small memory-backed emptyDir for paths a read-only image still writes to."""
    return {"name": name, "emptyDir": {"medium": "Memory", "sizeLimit": size}}


def pod_identity_egress() -> dict[str, Any]:
    return {"to": [{"ipBlock": {"cidr": POD_IDENTITY_AGENT_CIDR}}], "ports": [{"protocol": "TCP", "port": 80}]}


def https_egress() -> dict[str, Any]:
    """AWS APIs (S3 through the gateway endpoint, STS) over HTTPS."""
    return {"to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}], "ports": [{"protocol": "TCP", "port": 443}]}
