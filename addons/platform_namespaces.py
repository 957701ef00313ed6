"""Pod Security labels on the platform namespaces this program does not create.

Every namespace is labelled to enforce the strictest Pod Security level its pods can run at,
and to audit and warn at `restricted`, so whatever falls short of it stays visible. The
namespaces the program creates label themselves (workloads/tenancy.py; `monitoring` in
addons/observability/prometheus_stack.py); the two below are created by EKS and by the
CloudWatch add-on, so they are labelled with a server-side-apply patch. A patch also creates
its namespace when it does not exist yet, so `amazon-cloudwatch` may be labelled before the
add-on installs into it.

No NetworkPolicies here: EKS's DaemonSets and Fluent Bit run on the host network, where
policies do not apply, and the controllers' webhooks are called by the EKS control plane
from addresses the cluster does not list.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s

from addons.context import ClusterContext
from addons.observability.cloudwatch import NAMESPACE as CLOUDWATCH_NAMESPACE

RESTRICTED, BASELINE, PRIVILEGED = "restricted", "baseline", "privileged"
REASON_ANNOTATION = "eks-platform.io/pod-security-reason"


def pod_security_labels(enforce: str) -> dict[str, str]:
    """Admit pods at `enforce`; audit and warn at `restricted`, so anything short of it stays visible."""
    levels = {"enforce": enforce, "audit": RESTRICTED, "warn": RESTRICTED}
    labels = {f"pod-security.kubernetes.io/{mode}": level for mode, level in levels.items()}
    labels.update({f"pod-security.kubernetes.io/{mode}-version": "latest" for mode in levels})
    return labels


@dataclass(frozen=True)
class NamespaceLevel:
    namespace: str
    enforce: str
    reason: str


PATCHED_NAMESPACES = (
    # Enforcing `privileged` restricts nothing: the label records that nothing stricter can be
    # enforced here, and keeps a stricter cluster-wide default from ever stopping these pods.
    NamespaceLevel(
        "kube-system",
        PRIVILEGED,
        "EKS's DaemonSets (aws-node, kube-proxy, eks-pod-identity-agent, ebs-csi-node) use the host's "
        "network and paths and privileged containers.",
    ),
    NamespaceLevel(
        CLOUDWATCH_NAMESPACE,
        PRIVILEGED,
        "The CloudWatch Observability add-on's Fluent Bit uses the host's network and paths; its "
        "Neuron monitor is privileged.",
    ),
)


class PlatformNamespaces(pulumi.ComponentResource):
    def __init__(self, name: str, cluster: ClusterContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("eks-platform:addons:PlatformNamespaces", name, None, opts)
        for level in PATCHED_NAMESPACES:
            k8s.core.v1.NamespacePatch(
                f"{name}-{level.namespace}",
                metadata={
                    "name": level.namespace,
                    "labels": pod_security_labels(level.enforce),
                    "annotations": {REASON_ANNOTATION: level.reason},
                },
                opts=cluster.on_cluster(self),
            )
        self.register_outputs({})
