"""EC2NodeClass and NodePool objects (Karpenter v1 API) built from settings. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi

import versions
from components.network import KARPENTER_DISCOVERY_TAG
from components.system_nodes import BOTTLEROCKET_OS_VOLUME_GIB
from settings.model import KarpenterSettings, NodePoolSettings

NODE_CLASS_NAME = "default"
NODE_TERMINATION_GRACE_PERIOD = "24h"
# Pods get AWS credentials from Pod Identity, never from the node: one hop keeps
# IMDS out of reach of pod network namespaces (Karpenter's own default).
NODE_IMDS_HOP_LIMIT = 1
# Taint and label of NodePools reserved for critical workloads.
DEDICATED_KEY = "node.eks-platform.io/dedicated"
POOL_LABEL = "node.eks-platform.io/pool"
# Tag keys Karpenter manages itself and refuses in EC2NodeClass.spec.tags.
_RESERVED_TAG_PREFIXES = ("kubernetes.io/cluster", "eks:eks-cluster-name", "karpenter.sh/", "karpenter.k8s.aws/")


def ec2_node_class(
    settings: KarpenterSettings,
    cluster_name: str,
    node_role_name: pulumi.Input[str],
    tags: Mapping[str, str],
    volume_key_arn: pulumi.Input[str],
) -> dict[str, Any]:
    discovery = [{"tags": {KARPENTER_DISCOVERY_TAG: cluster_name}}]
    return {
        "apiVersion": "karpenter.k8s.aws/v1",
        "kind": "EC2NodeClass",
        "metadata": {"name": NODE_CLASS_NAME},
        "spec": {
            "role": node_role_name,
            "amiSelectorTerms": [{"alias": versions.KARPENTER_AMI_ALIASES[settings.ami_family]}],
            "subnetSelectorTerms": discovery,
            "securityGroupSelectorTerms": discovery,
            "metadataOptions": {
                "httpEndpoint": "enabled",
                "httpProtocolIPv6": "disabled",
                "httpPutResponseHopLimit": NODE_IMDS_HOP_LIMIT,
                "httpTokens": "required",
            },
            "blockDeviceMappings": _block_devices(settings, volume_key_arn),
            "tags": {key: value for key, value in tags.items() if not key.startswith(_RESERVED_TAG_PREFIXES)},
        },
    }


def _block_devices(settings: KarpenterSettings, volume_key_arn: pulumi.Input[str]) -> list[dict[str, Any]]:
    """gp3 volumes with the platform's key: AL2023 boots from one; Bottlerocket keeps containers on a second."""

    def volume(device: str, size_gib: int) -> dict[str, Any]:
        ebs = {
            "volumeSize": f"{size_gib}Gi",
            "volumeType": "gp3",
            "encrypted": True,
            "kmsKeyID": volume_key_arn,
            "deleteOnTermination": True,
        }
        return {"deviceName": device, "ebs": ebs}

    if settings.ami_family == "AL2023":
        return [{**volume("/dev/xvda", settings.node_volume_gib), "rootVolume": True}]
    return [volume("/dev/xvda", BOTTLEROCKET_OS_VOLUME_GIB), volume("/dev/xvdb", settings.node_volume_gib)]


def node_pool(pool: NodePoolSettings) -> dict[str, Any]:
    template_spec: dict[str, Any] = {
        "nodeClassRef": {"group": "karpenter.k8s.aws", "kind": "EC2NodeClass", "name": NODE_CLASS_NAME},
        "requirements": [
            {"key": "kubernetes.io/arch", "operator": "In", "values": list(pool.architectures)},
            {"key": "kubernetes.io/os", "operator": "In", "values": ["linux"]},
            {"key": "karpenter.sh/capacity-type", "operator": "In", "values": list(pool.capacity_types)},
            {"key": "karpenter.k8s.aws/instance-category", "operator": "In", "values": list(pool.instance_categories)},
            {
                "key": "karpenter.k8s.aws/instance-generation",
                "operator": "Gt",
                "values": [str(pool.min_instance_generation - 1)],
            },
        ],
        "expireAfter": pool.expire_after,
        # A drain blocked by a PDB or do-not-disrupt pod ends after this, so expiry and upgrades finish.
        "terminationGracePeriod": NODE_TERMINATION_GRACE_PERIOD,
    }
    if pool.dedicated:
        template_spec["taints"] = [{"key": DEDICATED_KEY, "value": pool.name, "effect": "NoSchedule"}]
    spec: dict[str, Any] = {
        "template": {"metadata": {"labels": {POOL_LABEL: pool.name}}, "spec": template_spec},
        "limits": {"cpu": pool.limits.cpu, "memory": pool.limits.memory},
        "disruption": {
            "consolidationPolicy": pool.consolidation_policy,
            "consolidateAfter": pool.consolidate_after,
            "budgets": [_budget(budget.nodes, budget.schedule, budget.duration) for budget in pool.budgets],
        },
    }
    if pool.weight is not None:
        spec["weight"] = pool.weight
    return {"apiVersion": "karpenter.sh/v1", "kind": "NodePool", "metadata": {"name": pool.name}, "spec": spec}


def _budget(nodes: str, schedule: str | None, duration: str | None) -> dict[str, str]:
    budget = {"nodes": nodes}
    if schedule and duration:
        budget.update(schedule=schedule, duration=duration)
    return budget
