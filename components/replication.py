"""S3 replication of one bucket to the DR peer's: Replication Time Control, deletes replicated,
objects re-encrypted with the destination region's key, through a role that can do only that.

The role is the source stack's; the destination bucket and key come from the peer's outputs
(components/peer_stack.py). Both buckets are versioned (components/bucket.py), which S3
requires of a replication's source and destination.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.iam import policy_document
from components.tagging import resource_tags

S3_SERVICE = "s3.amazonaws.com"
# Replication Time Control's published objective: 99.99% of objects within 15 minutes. 15 is the
# only value S3 accepts for both the time and the metrics' event threshold.
RTC_MINUTES = 15


@dataclass(frozen=True)
class ReplicationTarget:
    bucket: str  # the peer's bucket name
    key_arn: str  # the peer's KMS key, which encrypts the replicas
    region: str


@dataclass(frozen=True)
class ReplicationArgs:
    source_bucket: aws.s3.Bucket
    source_versioning: pulumi.Resource
    source_key_arn: pulumi.Input[str]
    source_region: str
    account_id: str
    target: ReplicationTarget
    tags: Mapping[str, str]


def bucket_arn(name: str) -> str:
    return f"arn:aws:s3:::{name}"


def replicate_bucket(owner: pulumi.Resource, name: str, args: ReplicationArgs) -> aws.s3.BucketReplicationConfig:
    child = pulumi.ResourceOptions(parent=owner)
    role = aws.iam.Role(
        f"{name}-replication",
        assume_role_policy=_trust(args.source_bucket.arn, args.account_id),
        tags=resource_tags(args.tags, f"{name}-replication"),
        opts=child,
    )
    policy = aws.iam.RolePolicy(
        f"{name}-replication",
        role=role.id,
        policy=replication_policy(args.source_bucket.arn, args.source_key_arn, args.source_region, args.target),
        opts=child,
    )
    return aws.s3.BucketReplicationConfig(
        f"{name}-replication",
        bucket=args.source_bucket.id,
        role=role.arn,
        rules=[_rule(args.target)],
        opts=pulumi.ResourceOptions(parent=owner, depends_on=[args.source_versioning, policy]),
    )


def _trust(source_bucket_arn: pulumi.Input[str], account_id: str) -> pulumi.Output[str]:
    """Only S3, and only on behalf of the source bucket in this account (confused deputy)."""
    return policy_document(
        [
            {
                "Sid": "S3ReplicatesTheSourceBucket",
                "Effect": "Allow",
                "Principal": {"Service": S3_SERVICE},
                "Action": "sts:AssumeRole",
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": account_id},
                    "ArnEquals": {"aws:SourceArn": source_bucket_arn},
                },
            }
        ]
    )


def replication_policy(
    source_arn: pulumi.Input[str], source_key_arn: pulumi.Input[str], source_region: str, target: ReplicationTarget
) -> pulumi.Output[str]:
    """Read versions from the source, write replicas to the destination, and use each key only
    through S3 of its own region (Amazon S3 User Guide, "Replicating encrypted objects")."""
    destination = bucket_arn(target.bucket)
    return policy_document(
        [
            {
                "Sid": "ReadTheSourceConfiguration",
                "Effect": "Allow",
                "Action": ["s3:GetReplicationConfiguration", "s3:ListBucket"],
                "Resource": source_arn,
            },
            {
                "Sid": "ReadSourceVersions",
                "Effect": "Allow",
                "Action": [
                    "s3:GetObjectVersionForReplication",
                    "s3:GetObjectVersionAcl",
                    "s3:GetObjectVersionTagging",
                ],
                "Resource": pulumi.Output.concat(source_arn, "/*"),
            },
            {
                "Sid": "WriteReplicas",
                "Effect": "Allow",
                "Action": ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
                "Resource": f"{destination}/*",
            },
            {
                "Sid": "DecryptSourceObjects",
                "Effect": "Allow",
                "Action": "kms:Decrypt",
                "Resource": source_key_arn,
                "Condition": _through_s3(source_region, source_arn),
            },
            {
                "Sid": "EncryptReplicas",
                "Effect": "Allow",
                "Action": ["kms:Encrypt", "kms:GenerateDataKey"],
                "Resource": target.key_arn,
                "Condition": _through_s3(target.region, destination),
            },
        ]
    )


def _through_s3(region: str, bucket: pulumi.Input[str]) -> dict[str, object]:
    # With an S3 Bucket Key the encryption context is the bucket's ARN, without it the object's.
    return {
        "StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"},
        "StringLike": {"kms:EncryptionContext:aws:s3:arn": [bucket, pulumi.Output.concat(bucket, "/*")]},
    }


def _rule(target: ReplicationTarget) -> aws.s3.BucketReplicationConfigRuleArgsDict:
    return {
        "id": "to-dr-peer",
        "status": "Enabled",
        # A filter makes this a V2 rule, the schema that replicates delete markers and has priorities.
        "filter": {"prefix": ""},
        "priority": 1,
        # Velero deletes expired backups only in the active region; the replica follows.
        "delete_marker_replication": {"status": "Enabled"},
        "source_selection_criteria": {"sse_kms_encrypted_objects": {"status": "Enabled"}},
        "destination": {
            "bucket": bucket_arn(target.bucket),
            "storage_class": "STANDARD",
            "encryption_configuration": {"replica_kms_key_id": target.key_arn},
            "replication_time": {"status": "Enabled", "time": {"minutes": RTC_MINUTES}},
            "metrics": {"status": "Enabled", "event_threshold": {"minutes": RTC_MINUTES}},
        },
    }
