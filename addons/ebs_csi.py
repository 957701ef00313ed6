"""EBS CSI driver (EKS add-on with Pod Identity) and the default encrypted gp3 StorageClass."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from addons.context import ClusterContext
from components.core_addons import AddonArgs, eks_addon
from components.iam import key_use_through
from components.kubernetes_objects import declare
from components.system_nodes import critical_addon_placement

ADDON = "aws-ebs-csi-driver"
SERVICE_ACCOUNT = "ebs-csi-controller-sa"
# Scoped to volumes and snapshots the driver tags as its own (ebs.csi.aws.com/cluster=true).
# Published at the policy root; only V1 lives under service-role/. The newer
# AmazonEBSCSIDriverEKSClusterScopedPolicy stops at one cluster in a shared account, but also
# needs ebs.csi.aws.com/cluster-name tags on volumes and Karpenter's instances.
DRIVER_POLICY = "AmazonEBSCSIDriverPolicyV2"
DEFAULT_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class"
STORAGE_CLASS = "gp3"


def gp3_storage_class(reclaim_policy: str, kms_key_id: pulumi.Input[str]) -> dict[str, Any]:
    return {
        "apiVersion": "storage.k8s.io/v1",
        "kind": "StorageClass",
        "metadata": {"name": STORAGE_CLASS, "annotations": {DEFAULT_CLASS_ANNOTATION: "true"}},
        "provisioner": "ebs.csi.aws.com",
        # Our key, not the account's aws/ebs default: its policy says who may read the volumes.
        "parameters": {"type": "gp3", "encrypted": "true", "kmsKeyId": kms_key_id, "csi.storage.k8s.io/fstype": "ext4"},
        "reclaimPolicy": reclaim_policy,
        # Bind where the pod lands, so a volume is created in the pod's zone.
        "volumeBindingMode": "WaitForFirstConsumer",
        "allowVolumeExpansion": True,
    }


class EbsCsiDriver(pulumi.ComponentResource):
    addon: aws.eks.Addon
    storage_class: pulumi.Resource

    def __init__(
        self,
        name: str,
        cluster: ClusterContext,
        kubernetes_version: str,
        retain_volumes: bool,
        volume_key_arn: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("eks-platform:addons:EbsCsiDriver", name, None, opts)
        identity = cluster.identity(
            self,
            name,
            "kube-system",
            SERVICE_ACCOUNT,
            aws_managed_policies=[DRIVER_POLICY],
            inline_policies={"volume-key": key_use_through(f"ec2.{cluster.region}.amazonaws.com", volume_key_arn)},
            associate=False,
        )
        self.addon = eks_addon(
            self,
            ADDON,
            AddonArgs(
                cluster_name=cluster.cluster_name_output,
                kubernetes_version=kubernetes_version,
                tags=cluster.tags,
                after=cluster.critical_addon_prerequisites(identity),
            ),
            {"controller": critical_addon_placement(), "defaultStorageClass": {"enabled": False}},
            pod_identity=[
                aws.eks.AddonPodIdentityAssociationArgs(role_arn=identity.role.arn, service_account=SERVICE_ACCOUNT)
            ],
        )
        on_cluster = cluster.on_cluster(self)
        self.storage_class = declare(
            gp3_storage_class("Retain" if retain_volumes else "Delete", volume_key_arn),
            pulumi.ResourceOptions.merge(on_cluster, pulumi.ResourceOptions(depends_on=[self.addon])),
        )
        # EKS ships a gp2 class; only one class may be the default.
        k8s.storage.v1.StorageClassPatch(
            "gp2-not-default",
            metadata={"name": "gp2", "annotations": {DEFAULT_CLASS_ANNOTATION: "false"}},
            opts=on_cluster,
        )
        self.register_outputs({})
