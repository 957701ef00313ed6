"""The system managed node group: capacity Karpenter does not manage, for critical add-ons."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_eks as eks

from components.iam import node_role
from components.tagging import resource_tags
from settings.model import SystemNodeSettings

# Add-ons that belong on system nodes select this label and tolerate this taint.
SYSTEM_NODE_LABEL = {"node.eks-platform.io/pool": "system"}
SYSTEM_NODE_TAINT = {"key": "CriticalAddonsOnly", "value": "true", "effect": "NO_SCHEDULE"}


def critical_addon_placement() -> dict[str, Any]:
    """nodeSelector and tolerations (Kubernetes form) that put a pod on the system nodes."""
    return {
        "nodeSelector": dict(SYSTEM_NODE_LABEL),
        "tolerations": [
            {
                "key": SYSTEM_NODE_TAINT["key"],
                "operator": "Equal",
                "value": SYSTEM_NODE_TAINT["value"],
                "effect": "NoSchedule",
            }
        ],
    }


# Bottlerocket boots from a small OS volume and keeps containers on a second one.
_ROOT_DEVICES = {"AL2023": ("/dev/xvda",), "Bottlerocket": ("/dev/xvda", "/dev/xvdb")}
BOTTLEROCKET_OS_VOLUME_GIB = 4
# One hop: host-network agents still reach IMDSv2, pods in their own network namespace
# cannot borrow the node role (they get credentials from Pod Identity). Karpenter's nodes match.
IMDS_HOP_LIMIT = 1


@dataclass(frozen=True)
class SystemNodeGroupArgs:
    name: str
    cluster: eks.Cluster
    kubernetes_version: str
    subnet_ids: pulumi.Input[Sequence[str]]
    # The node security group Karpenter's nodes join too, so all nodes reach each other.
    security_group_ids: Sequence[pulumi.Input[str]]
    settings: SystemNodeSettings
    tags: Mapping[str, str]
    # The platform's key for data at rest; node volumes are encrypted with it.
    volume_key_arn: pulumi.Input[str]
    # Add-ons nodes need before they join (CNI, kube-proxy, Pod Identity agent).
    after: Sequence[pulumi.Resource] = ()


class SystemNodeGroup(pulumi.ComponentResource):
    node_group: eks.ManagedNodeGroup
    role_arn: pulumi.Output[str]

    def __init__(self, name: str, args: SystemNodeGroupArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("eks-platform:components:SystemNodeGroup", name, None, opts)
        cfg = args.settings
        role = node_role(self, f"{name}-node", args.tags)
        launch_template = self._launch_template(name, args)
        self.node_group = eks.ManagedNodeGroup(
            name,
            cluster=args.cluster,
            version=args.kubernetes_version,
            node_role_arn=role.arn,
            subnet_ids=args.subnet_ids,
            ami_type=cfg.ami_type,
            release_version=cfg.ami_release_version,
            instance_types=list(cfg.instance_types),
            capacity_type=cfg.capacity_type,
            scaling_config=aws.eks.NodeGroupScalingConfigArgs(
                min_size=cfg.scaling.min_size,
                desired_size=cfg.scaling.desired_size,
                max_size=cfg.scaling.max_size,
            ),
            launch_template=aws.eks.NodeGroupLaunchTemplateArgs(
                id=launch_template.id, version=launch_template.latest_version.apply(str)
            ),
            labels=dict(SYSTEM_NODE_LABEL),
            taints=[aws.eks.NodeGroupTaintArgs(**SYSTEM_NODE_TAINT)],
            tags=resource_tags(args.tags, name),
            opts=pulumi.ResourceOptions(parent=self, depends_on=list(args.after)),
        )
        self.role_arn = role.arn
        self.register_outputs({"role_arn": self.role_arn})

    def _launch_template(self, name: str, args: SystemNodeGroupArgs) -> aws.ec2.LaunchTemplate:
        cfg, tags, security_group_ids = args.settings, args.tags, args.security_group_ids
        devices = _ROOT_DEVICES[cfg.ami_family]
        sizes = [cfg.disk_size_gib] if len(devices) == 1 else [BOTTLEROCKET_OS_VOLUME_GIB, cfg.disk_size_gib]
        instance_tags = resource_tags(tags, f"{name}-node")
        return aws.ec2.LaunchTemplate(
            name,
            update_default_version=True,
            vpc_security_group_ids=list(security_group_ids),
            metadata_options={
                "http_endpoint": "enabled",
                "http_tokens": "required",
                "http_put_response_hop_limit": IMDS_HOP_LIMIT,
            },
            block_device_mappings=[
                {
                    "device_name": device,
                    "ebs": {
                        "volume_size": size,
                        "volume_type": "gp3",
                        "encrypted": "true",
                        "kms_key_id": args.volume_key_arn,
                        "delete_on_termination": "true",
                    },
                }
                for device, size in zip(devices, sizes, strict=True)
            ],
            tag_specifications=[
                {"resource_type": kind, "tags": instance_tags} for kind in ("instance", "volume", "network-interface")
            ],
            tags=resource_tags(tags, name),
            opts=pulumi.ResourceOptions(parent=self),
        )
