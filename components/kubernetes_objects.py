"""Declare plain Kubernetes manifests (dicts) as typed pulumi_kubernetes resources.

Builders elsewhere return manifests exactly as `kubectl apply` would take them, so
tests can validate them against the Kubernetes schema; this module is the one place
that turns them into resources on the cluster's explicit provider.
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_kubernetes as k8s
from pulumi_kubernetes import _utilities as k8s_utilities

_ADMISSION = "admissionregistration.k8s.io/v1"
_KINDS: dict[tuple[str, str], type[pulumi.CustomResource]] = {
    ("v1", "Namespace"): k8s.core.v1.Namespace,
    ("v1", "ResourceQuota"): k8s.core.v1.ResourceQuota,
    ("v1", "LimitRange"): k8s.core.v1.LimitRange,
    ("v1", "ServiceAccount"): k8s.core.v1.ServiceAccount,
    ("v1", "Service"): k8s.core.v1.Service,
    ("v1", "Secret"): k8s.core.v1.Secret,
    ("v1", "ConfigMap"): k8s.core.v1.ConfigMap,
    ("apps/v1", "Deployment"): k8s.apps.v1.Deployment,
    ("apps/v1", "StatefulSet"): k8s.apps.v1.StatefulSet,
    ("batch/v1", "CronJob"): k8s.batch.v1.CronJob,
    ("batch/v1", "Job"): k8s.batch.v1.Job,
    ("autoscaling/v2", "HorizontalPodAutoscaler"): k8s.autoscaling.v2.HorizontalPodAutoscaler,
    ("policy/v1", "PodDisruptionBudget"): k8s.policy.v1.PodDisruptionBudget,
    ("networking.k8s.io/v1", "NetworkPolicy"): k8s.networking.v1.NetworkPolicy,
    ("networking.k8s.io/v1", "Ingress"): k8s.networking.v1.Ingress,
    ("storage.k8s.io/v1", "StorageClass"): k8s.storage.v1.StorageClass,
    ("scheduling.k8s.io/v1", "PriorityClass"): k8s.scheduling.v1.PriorityClass,
    ("rbac.authorization.k8s.io/v1", "Role"): k8s.rbac.v1.Role,
    ("rbac.authorization.k8s.io/v1", "RoleBinding"): k8s.rbac.v1.RoleBinding,
    (_ADMISSION, "ValidatingAdmissionPolicy"): k8s.admissionregistration.v1.ValidatingAdmissionPolicy,
    (_ADMISSION, "ValidatingAdmissionPolicyBinding"): k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding,
}
# Top-level manifest fields and the SDK's argument names for them.
_FIELDS = {
    "metadata": "metadata",
    "spec": "spec",
    "rules": "rules",
    "roleRef": "role_ref",
    "subjects": "subjects",
    "data": "data",
    "stringData": "string_data",
    "type": "type",
    "provisioner": "provisioner",
    "parameters": "parameters",
    "reclaimPolicy": "reclaim_policy",
    "volumeBindingMode": "volume_binding_mode",
    "allowVolumeExpansion": "allow_volume_expansion",
    "automountServiceAccountToken": "automount_service_account_token",
    "value": "value",
    "globalDefault": "global_default",
    "preemptionPolicy": "preemption_policy",
    "description": "description",
}


def resources(cpu: str, memory: str, cpu_limit: str, memory_limit: str) -> dict[str, Any]:
    """Container requests and limits."""
    return {"requests": {"cpu": cpu, "memory": memory}, "limits": {"cpu": cpu_limit, "memory": memory_limit}}


def is_built_in(manifest: dict[str, Any]) -> bool:
    """A kind Kubernetes itself serves, as opposed to an object of a CustomResourceDefinition."""
    return (manifest["apiVersion"], manifest["kind"]) in _KINDS


def object_name(manifest: dict[str, Any]) -> str:
    """A Pulumi name unique per stack: kind, namespace and name."""
    metadata = manifest["metadata"]
    parts = [manifest["kind"].lower(), metadata.get("namespace"), metadata["name"]]
    return "-".join(part for part in parts if part)


def declare(manifest: dict[str, Any], opts: pulumi.ResourceOptions) -> pulumi.CustomResource:
    """A built-in kind as its typed resource; anything else as an object of a custom resource."""
    resource_class = _KINDS.get((manifest["apiVersion"], manifest["kind"]))
    if resource_class is None and "spec" not in manifest:
        return _object_without_spec(manifest, opts)
    if resource_class is None:
        return k8s.apiextensions.CustomResource(
            object_name(manifest),
            api_version=manifest["apiVersion"],
            kind=manifest["kind"],
            metadata=manifest["metadata"],
            spec=manifest["spec"],
            opts=opts,
        )
    arguments = {_FIELDS[key]: value for key, value in manifest.items() if key not in ("apiVersion", "kind")}
    return resource_class(object_name(manifest), opts=opts, **arguments)


def _object_without_spec(manifest: dict[str, Any], opts: pulumi.ResourceOptions) -> pulumi.CustomResource:
    """A custom kind whose fields sit at the top level (VolumeSnapshotClass: driver,
    deletionPolicy), which apiextensions.CustomResource cannot carry: registered under the same
    `kubernetes:<apiVersion>:<kind>` type that class uses, so the provider handles it alike."""
    return pulumi.CustomResource(
        f"kubernetes:{manifest['apiVersion']}:{manifest['kind']}",
        object_name(manifest),
        dict(manifest),
        opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(version=k8s_version())),
    )


def k8s_version() -> str:
    return str(k8s_utilities.get_version())
