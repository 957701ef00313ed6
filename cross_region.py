"""What crosses regions in a DR pair: Velero's backups and their replication, the web bucket's
replication, the standby's restore test, and the `dr` output the peer and the drill read.

The active stack of a pair reads its peer's outputs (components/peer_stack.py) for the
destination buckets and key; until the peer has exported them, replication is left out and
`dr.pending` says what the next `pulumi up` will add. First deploy from empty: the standby
first (it needs nothing from its peer), then the active stack; deploying the active stack
first also works, it just needs a second `pulumi up` after the standby exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from addons.ebs_csi import STORAGE_CLASS
from addons.velero import Velero, VeleroArgs
from addons.velero.names import BACKUP_PREFIX, RESTORE_TEST_PREFIX, backup_bucket_name
from components.peer_stack import PeerOutputs, read_peer_outputs
from components.replication import ReplicationArgs, ReplicationTarget, replicate_bucket
from settings import Settings
from workloads import batch, mongodb, web
from workloads.context import WorkloadContext
from workloads.restore_test import RestoreTest
from workloads.web import Web


@dataclass(frozen=True)
class CrossRegion:
    velero: Velero
    peer: PeerOutputs | None
    pending: list[str]


def peer_outputs(settings: Settings) -> PeerOutputs | None:
    """Only the active stack of a pair needs its peer's outputs: it is the one that replicates."""
    if settings.dr.peer_stack is None or settings.dr.role != "active":
        return None
    return read_peer_outputs(settings.dr.peer_stack)


def replication_target(settings: Settings, peer: PeerOutputs | None, bucket_key: str) -> ReplicationTarget | None:
    if peer is None or settings.dr.peer_region is None:
        return None
    bucket, key = peer.dr(bucket_key), peer.dr("dataKeyArn")
    if not bucket or not key:
        return None
    return ReplicationTarget(bucket=bucket, key_arn=key, region=settings.dr.peer_region)


def pending(settings: Settings, peer: PeerOutputs | None) -> list[str]:
    """What the stack would declare once its peer's outputs are readable."""
    if peer is None:
        return []
    missing = [key for key in ("backupBucket", "webBucket", "dataKeyArn") if not peer.dr(key)]
    if not missing:
        return []
    why = peer.unavailable or f"{peer.stack} exports no dr.{', dr.'.join(missing)}"
    return [
        f"backup and web bucket replication to {peer.stack}: {why}; "
        f"deploy {peer.stack}, then run `pulumi up` on {settings.stack} again"
    ]


def backups(
    settings: Settings, cluster: Any, data_key_arn: pulumi.Input[str], storage: list[pulumi.Resource],
    peer: PeerOutputs | None, opts: pulumi.ResourceOptions,
) -> Velero:  # fmt: skip
    name = settings.cluster.name
    return Velero(
        f"{name}-velero",
        VeleroArgs(
            cluster=cluster,
            backup=settings.backup,
            bucket_name=backup_bucket_name(name, settings.account.id),
            account_id=settings.account.id,
            kubernetes_version=settings.cluster.kubernetes_version,
            data_key_arn=data_key_arn,
            storage_class=STORAGE_CLASS,
            protect=settings.protect_stateful_resources,
            data_namespaces=(mongodb.NAMESPACE,),
            app_namespaces=(web.NAMESPACE, batch.NAMESPACE),
            storage=storage,
            replication=replication_target(settings, peer, "backupBucket"),
            restore_backup=settings.dr.restore_backup,
        ),
        opts,
    )


def replicate_web_bucket(
    settings: Settings, site: Web, data_key_arn: pulumi.Input[str], peer: PeerOutputs | None
) -> aws.s3.BucketReplicationConfig | None:
    target = replication_target(settings, peer, "webBucket")
    if target is None:
        return None
    return replicate_bucket(
        site,
        f"{settings.cluster.name}-web",
        ReplicationArgs(
            source_bucket=site.bucket,
            source_versioning=site.bucket_versioning,
            source_key_arn=data_key_arn,
            source_region=settings.region,
            account_id=settings.account.id,
            target=target,
            tags=settings.tags,
        ),
    )


def restore_test(
    settings: Settings, velero: Velero, context: WorkloadContext, opts: pulumi.ResourceOptions
) -> RestoreTest | None:
    """Only while standing by, where the peer's backups arrive."""
    schedule = settings.backup.restore_test_schedule
    if schedule is None or settings.backup.active:
        return None
    return RestoreTest(
        f"{settings.cluster.name}-restore-test",
        schedule,
        backup_bucket_name(settings.cluster.name, settings.account.id),
        velero.bucket.arn,
        context,
        settings.region,
        after=[velero.release, *context.storage],
        opts=opts,
    )


def dr_output(
    settings: Settings, velero: Velero, site: Web, data_key_arn: pulumi.Input[str],
    web_replication: aws.s3.BucketReplicationConfig | None, registry: Any, pending_work: list[str],
) -> dict[str, Any]:  # fmt: skip
    """What the peer's replication and the drill read: names, not secrets."""
    output: dict[str, Any] = {
        "role": settings.dr.role,
        "peerStack": settings.dr.peer_stack,
        "peerRegion": settings.dr.peer_region,
        "rpoMinutes": settings.backup.rpo_minutes,
        "backupBucket": velero.bucket.bucket,
        "backupPrefix": BACKUP_PREFIX,
        "webBucket": site.bucket_name,
        "dataKeyArn": data_key_arn,
        "registry": {"repositories": registry.repository_names, "replicatesTo": registry.replicates_to},
        "pending": pending_work,
    }
    if settings.backup.restore_test_schedule:
        output["restoreTestPrefix"] = RESTORE_TEST_PREFIX
        output["restoreTestMaxAgeHours"] = settings.backup.restore_test_max_age_hours
    if site.hostname and site.failover is not None:
        output["failoverHostname"] = site.hostname
        output["healthCheckId"] = site.failover.health_check_id
    if velero.replication is not None and web_replication is not None:
        output["replication"] = {
            "backupBucket": {"source": velero.bucket.bucket, "destination": _destination(velero.replication)},
            "webBucket": {"source": site.bucket_name, "destination": _destination(web_replication)},
        }
    return output


def _destination(replication: aws.s3.BucketReplicationConfig) -> pulumi.Output[str]:
    return replication.rules.apply(lambda rules: rules[0].destination.bucket.removeprefix("arn:aws:s3:::"))
