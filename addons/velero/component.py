"""Velero with its backup bucket, its S3 replication to the DR peer, and the CSI pieces its
data mover needs (the snapshot controller add-on and a VolumeSnapshotClass for EBS)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from addons.context import ClusterContext
from addons.helm import helm_release
from addons.platform_namespaces import PRIVILEGED, REASON_ANNOTATION, pod_security_labels
from addons.velero.names import NAMESPACE, RELEASE, SERVICE_ACCOUNT
from addons.velero.policy import velero_policy
from addons.velero.restore import promotion_restore, resource_modifiers
from addons.velero.schedules import schedules
from addons.velero.values import velero_values
from components.bucket import BucketArgs, private_bucket
from components.core_addons import AddonArgs, eks_addon
from components.kubernetes_objects import declare
from components.replication import ReplicationArgs, ReplicationTarget, replicate_bucket
from settings.model import BackupSettings

# Velero's data mover snapshots through this class (the label is how Velero picks it per driver).
SNAPSHOT_CLASS = "ebs-velero"
SNAPSHOT_CLASS_LABEL = "velero.io/csi-volumesnapshot-class"


@dataclass(frozen=True)
class VeleroArgs:
    cluster: ClusterContext
    backup: BackupSettings
    bucket_name: str
    account_id: str
    kubernetes_version: str
    data_key_arn: pulumi.Input[str]
    storage_class: str
    protect: bool
    # Namespaces backed up every rpoMinutes, and the rest of the samples' namespaces, hourly.
    data_namespaces: tuple[str, ...]
    app_namespaces: tuple[str, ...]
    # The EBS CSI driver: volumes must exist before they are snapshotted.
    storage: list[pulumi.Resource]
    replication: ReplicationTarget | None = None
    restore_backup: str | None = None


def snapshot_class() -> dict[str, object]:
    return {
        "apiVersion": "snapshot.storage.k8s.io/v1",
        "kind": "VolumeSnapshotClass",
        "metadata": {"name": SNAPSHOT_CLASS, "labels": {SNAPSHOT_CLASS_LABEL: "true"}},
        "driver": "ebs.csi.aws.com",
        # The snapshot only carries data to the mover, which copies it into the bucket.
        "deletionPolicy": "Delete",
    }


def velero_namespace() -> dict[str, object]:
    return {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {
            "name": NAMESPACE,
            "labels": pod_security_labels(PRIVILEGED),
            "annotations": {
                REASON_ANNOTATION: "Velero's node agent mounts the kubelet's pod and plugin directories (hostPath) "
                "to move volume data; the server itself runs non-root with a read-only root filesystem."
            },
        },
    }


class Velero(pulumi.ComponentResource):
    bucket: aws.s3.Bucket
    release: pulumi.Resource
    restore: pulumi.Resource | None
    replication: aws.s3.BucketReplicationConfig | None

    def __init__(self, name: str, args: VeleroArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("eks-platform:addons:Velero", name, None, opts)
        cluster = args.cluster
        on_cluster = cluster.on_cluster(self)
        backups = private_bucket(
            self,
            f"{name}-backups",
            BucketArgs(
                tags=cluster.tags,
                protect=args.protect,
                kms_key_arn=args.data_key_arn,
                # A week past the TTL: Velero deletes expired backups itself, this catches strays.
                expire_after_days=math.ceil(args.backup.ttl_hours / 24) + 7,
                bucket_name=args.bucket_name,
            ),
        )
        self.bucket = backups.bucket
        identity = cluster.identity(
            self,
            name,
            NAMESPACE,
            SERVICE_ACCOUNT,
            inline_policies={"backups": velero_policy(self.bucket.arn, args.data_key_arn, cluster.region)},
        )
        snapshots = eks_addon(
            self,
            "snapshot-controller",
            AddonArgs(
                cluster_name=cluster.cluster_name_output,
                kubernetes_version=args.kubernetes_version,
                tags=cluster.tags,
                after=[cluster.system_nodes],
            ),
            None,
        )
        namespace = declare(velero_namespace(), on_cluster)
        snapshot_class_object = declare(
            snapshot_class(), pulumi.ResourceOptions.merge(on_cluster, pulumi.ResourceOptions(depends_on=[snapshots]))
        )
        self.release = helm_release(
            RELEASE,
            NAMESPACE,
            velero_values(args.bucket_name, cluster.region, args.backup),
            on_cluster,
            after=[
                namespace,
                snapshot_class_object,
                *args.storage,
                *backups.ready,
                *cluster.critical_addon_prerequisites(identity),
            ],
        )
        after_release = pulumi.ResourceOptions.merge(on_cluster, pulumi.ResourceOptions(depends_on=[self.release]))
        modifiers = declare(resource_modifiers(args.storage_class), after_release)
        for manifest in schedules(args.backup, args.data_namespaces, args.app_namespaces):
            declare(manifest, after_release)
        self.restore = None
        if args.restore_backup:
            restore = promotion_restore(args.restore_backup, (*args.data_namespaces, *args.app_namespaces))
            self.restore = declare(
                restore, pulumi.ResourceOptions.merge(on_cluster, pulumi.ResourceOptions(depends_on=[modifiers]))
            )
        self.replication = None
        if args.replication and args.backup.active:
            self.replication = replicate_bucket(
                self,
                f"{name}-backups",
                ReplicationArgs(
                    source_bucket=self.bucket,
                    source_versioning=backups.versioning,
                    source_key_arn=args.data_key_arn,
                    source_region=cluster.region,
                    account_id=args.account_id,
                    target=args.replication,
                    tags=cluster.tags,
                ),
            )
        self.register_outputs({})
