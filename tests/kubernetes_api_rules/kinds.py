"""Rule 5: known kinds, and whether each is namespaced."""

from __future__ import annotations

from collections.abc import Sequence

from tests.kubernetes_api_rules.manifests import Manifest, Problems, _namespace

# ---------------------------------------------------------------------------------------------
# Kinds (rule 5). A closed list: an (apiVersion, kind) outside it is a typo, not a new resource,
# so it cannot slip onto the custom-resource path where no schema checks it. Value: namespaced.
# ---------------------------------------------------------------------------------------------

BUILT_IN_KINDS: dict[tuple[str, str], bool] = {
    ("v1", "Namespace"): False,
    ("v1", "ResourceQuota"): True,
    ("v1", "LimitRange"): True,
    ("v1", "ServiceAccount"): True,
    ("v1", "Service"): True,
    ("v1", "Secret"): True,
    ("v1", "ConfigMap"): True,
    ("apps/v1", "Deployment"): True,
    ("apps/v1", "StatefulSet"): True,
    ("batch/v1", "CronJob"): True,
    ("batch/v1", "Job"): True,
    ("autoscaling/v2", "HorizontalPodAutoscaler"): True,
    ("policy/v1", "PodDisruptionBudget"): True,
    ("networking.k8s.io/v1", "NetworkPolicy"): True,
    ("networking.k8s.io/v1", "Ingress"): True,
    ("storage.k8s.io/v1", "StorageClass"): False,
    ("scheduling.k8s.io/v1", "PriorityClass"): False,
    ("rbac.authorization.k8s.io/v1", "Role"): True,
    ("rbac.authorization.k8s.io/v1", "RoleBinding"): True,
    ("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicy"): False,
    ("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicyBinding"): False,
}
CUSTOM_KINDS: dict[tuple[str, str], bool] = {
    ("karpenter.sh/v1", "NodePool"): False,
    ("karpenter.k8s.aws/v1", "EC2NodeClass"): False,
    ("monitoring.coreos.com/v1", "ServiceMonitor"): True,
    ("monitoring.coreos.com/v1", "PodMonitor"): True,
    ("monitoring.coreos.com/v1", "PrometheusRule"): True,
    ("velero.io/v1", "Schedule"): True,
    ("velero.io/v1", "Restore"): True,
    ("snapshot.storage.k8s.io/v1", "VolumeSnapshotClass"): False,
}
KNOWN_KINDS = {**BUILT_IN_KINDS, **CUSTOM_KINDS}


def check_known_kind(manifest: Manifest, objects: Sequence[Manifest] = ()) -> Problems:
    """(apiVersion, kind) is one the platform uses; namespace is set exactly when the kind is namespaced."""
    key = (manifest.get("apiVersion"), manifest.get("kind"))
    if key not in KNOWN_KINDS:
        return [f"{key[0]}/{key[1]} is not a kind this platform declares (typo?)"]
    namespaced, namespace = KNOWN_KINDS[key], _namespace(manifest)
    if namespaced and not namespace:
        return [f"{key[1]} is namespaced: without metadata.namespace it lands in the provider's default"]
    if not namespaced and namespace:
        return [f"{key[1]} is cluster-scoped: metadata.namespace {namespace!r} would be dropped"]
    return []
