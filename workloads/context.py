"""What the sample workloads receive from the platform beneath them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from components.kubernetes_objects import declare
from workloads.failover_dns import FailoverDns


@dataclass(frozen=True)
class WorkloadContext:
    cluster_name: str
    cluster_name_output: pulumi.Input[str]
    kubernetes_provider: k8s.Provider
    tags: Mapping[str, str]
    protect: bool
    # Where the internet-facing ALB's nodes live: the only source web admits.
    public_subnet_cidrs: Sequence[str]
    # Node capacity (Karpenter's NodePools) every workload needs to start.
    capacity: Sequence[pulumi.Resource]
    # The ALB controller: its webhooks must serve before Ingresses and pods appear.
    load_balancing: Sequence[pulumi.Resource]
    # The EBS CSI driver and the gp3 StorageClass volume claims use.
    storage: Sequence[pulumi.Resource]
    # metrics-server, which HorizontalPodAutoscalers read.
    metrics: Sequence[pulumi.Resource]
    dns_domain: str | None
    # web's name as a Route 53 failover record, in a stack with a DR peer and a zone.
    failover_dns: FailoverDns | None
    # nodeSelector/tolerations that keep pods with state on on-demand capacity.
    stateful_placement: dict[str, Any]
    # The platform's customer-managed key for data at rest (buckets, volumes).
    data_key_arn: pulumi.Input[str]
    # What each versions.IMAGES image is pulled as: its copy in the stack's own regional ECR.
    images: Mapping[str, str]

    def declare_all(
        self,
        parent: pulumi.Resource,
        manifests: Sequence[dict[str, Any]],
        after: Sequence[pulumi.Resource] = (),
        holds_state: bool = False,
    ) -> dict[str, pulumi.CustomResource]:
        """Declare manifests in order; everything but a Namespace waits for it and for `after`.

        `holds_state`: the objects are protected where the stack protects stateful resources.
        Returns the created objects keyed by kind (the last of each kind).
        """
        on_cluster = pulumi.ResourceOptions(
            parent=parent, provider=self.kubernetes_provider, protect=holds_state and self.protect
        )
        created: dict[str, pulumi.CustomResource] = {}
        needs = list(after)
        for manifest in manifests:
            if manifest["kind"] == "Namespace":
                created["Namespace"] = declare(manifest, on_cluster)
                needs.append(created["Namespace"])
                continue
            options = pulumi.ResourceOptions.merge(on_cluster, pulumi.ResourceOptions(depends_on=needs))
            created[manifest["kind"]] = declare(manifest, options)
        return created
