"""What the platform's admission rules look at: workload kinds in workload namespaces, Services everywhere.

Workload rules select namespaces by a label, opt-in, rather than every namespace but a list of
platform ones. The charts and EKS add-ons the platform installs without rendering them here
(Karpenter, Velero's node agent, the CloudWatch agent and Fluent Bit, the EBS CSI node, the ALB
controller, node-exporter) run in kube-system, amazon-cloudwatch, monitoring and velero with
hostPath volumes, the host's network and public registries, legitimately. Only the tenant
namespaces (workloads/tenancy.py) carry the label, so a rule written for workloads can never
stop an add-on, including one added later, and a new workload namespace gets the rules by being
declared the way every tenant namespace is. Relabelling a namespace takes cluster-scoped write
access, which only cluster admins hold here.
"""

from __future__ import annotations

from typing import Any

WORKLOAD_NAMESPACE_LABEL = "eks-platform.io/admission-rules"
WORKLOAD_NAMESPACE_VALUE = "workload"
OPERATIONS = ["CREATE", "UPDATE"]

# Pods and every built-in kind that owns a pod template: a template that breaks a rule is refused
# when it is applied, not later when its controller's pods are.
POD_OWNING_RESOURCES = (
    ("", "v1", "pods"),
    ("apps", "v1", "deployments"),
    ("apps", "v1", "statefulsets"),
    ("apps", "v1", "daemonsets"),
    ("apps", "v1", "replicasets"),
    ("batch", "v1", "jobs"),
    ("batch", "v1", "cronjobs"),
)
SERVICE_RESOURCES = (("", "v1", "services"),)


def workload_namespace_labels() -> dict[str, str]:
    """The label a tenant namespace carries to be checked by the workload rules."""
    return {WORKLOAD_NAMESPACE_LABEL: WORKLOAD_NAMESPACE_VALUE}


def resource_rules(resources: tuple[tuple[str, str, str], ...]) -> list[dict[str, Any]]:
    """One resource rule per API group and version."""
    by_group_version: dict[tuple[str, str], list[str]] = {}
    for group, version, resource in resources:
        by_group_version.setdefault((group, version), []).append(resource)
    return [
        {"apiGroups": [group], "apiVersions": [version], "operations": OPERATIONS, "resources": names}
        for (group, version), names in by_group_version.items()
    ]


def workload_namespaces() -> dict[str, Any]:
    """The binding's namespace selector for the workload rules."""
    return {"matchLabels": workload_namespace_labels()}
