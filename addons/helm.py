"""Helm releases of pinned charts, on the cluster's explicit Kubernetes provider."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

import versions


def helm_release(
    chart_key: str,
    namespace: str,
    values: pulumi.Input[dict[str, Any]],
    opts: pulumi.ResourceOptions,
    after: Sequence[pulumi.Resource] = (),
    skip_crds: bool = False,
    protect: bool = False,
) -> k8s.helm.v3.Release:
    """A release named after its chart (so service account names are predictable).

    `atomic` rolls a failed upgrade back instead of leaving a half-applied release.
    """
    pin = versions.HELM_CHARTS[chart_key]
    repository = k8s.helm.v3.RepositoryOptsArgs(repo=pin.repository) if pin.repository else None
    return k8s.helm.v3.Release(
        chart_key,
        name=chart_key,
        chart=pin.chart,
        version=pin.version,
        repository_opts=repository,
        namespace=namespace,
        create_namespace=False,
        values=values,
        skip_crds=skip_crds,
        atomic=True,
        opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=list(after), protect=protect)),
    )
