"""The one explicit Kubernetes provider every in-cluster object is declared with."""

from __future__ import annotations

import pulumi
import pulumi_kubernetes as k8s


def cluster_provider(name: str, kubeconfig_json: pulumi.Input[str], opts: pulumi.ResourceOptions) -> k8s.Provider:
    """Built from the cluster's own kubeconfig, never from ~/.kube/config of whoever runs pulumi."""
    return k8s.Provider(
        name,
        kubeconfig=kubeconfig_json,
        enable_server_side_apply=True,
        delete_unreachable=False,
        opts=opts,
    )
