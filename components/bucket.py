"""Private, versioned, encrypted S3 buckets: workload data and load balancer access logs."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from components.iam import policy_document
from components.tagging import resource_tags

Statement = dict[str, Any]


@dataclass(frozen=True)
class BucketArgs:
    tags: Mapping[str, str]
    protect: bool
    # SSE-KMS with this customer-managed key; None is SSE-S3, the only encryption ELB access logs accept.
    kms_key_arn: pulumi.Input[str] | None
    # Objects expire this many days after they are written (old versions soon after); None keeps them.
    expire_after_days: int | None = None
    # Further bucket-policy statements built from the bucket's ARN, e.g. a log-delivery grant.
    grants: Callable[[pulumi.Output[str]], list[Statement]] = field(default=lambda arn: [])
    # A fixed physical name, for a bucket a peer stack or a tool must find; None: Pulumi names it.
    bucket_name: str | None = None


@dataclass(frozen=True)
class PrivateBucket:
    bucket: aws.s3.Bucket
    # What must exist before anything writes into the bucket: its policy and encryption.
    ready: list[pulumi.Resource]
    # Replication needs versioning on, before its configuration is put.
    versioning: pulumi.Resource


def private_bucket(owner: pulumi.Resource, name: str, args: BucketArgs) -> PrivateBucket:
    # The bucket's settings are protected with it: replacing its policy or encryption is as
    # destructive for the data as replacing the bucket.
    child = pulumi.ResourceOptions(parent=owner, protect=args.protect)
    bucket = aws.s3.Bucket(name, bucket=args.bucket_name, tags=resource_tags(args.tags, name), opts=child)
    aws.s3.BucketPublicAccessBlock(
        name,
        bucket=bucket.id,
        block_public_acls=True,
        block_public_policy=True,
        ignore_public_acls=True,
        restrict_public_buckets=True,
        opts=child,
    )
    aws.s3.BucketOwnershipControls(name, bucket=bucket.id, rule={"object_ownership": "BucketOwnerEnforced"}, opts=child)
    versioning = aws.s3.BucketVersioning(
        name, bucket=bucket.id, versioning_configuration={"status": "Enabled"}, opts=child
    )
    encryption = aws.s3.BucketServerSideEncryptionConfiguration(
        name, bucket=bucket.id, rules=[_encryption_rule(args.kms_key_arn)], opts=child
    )
    if args.expire_after_days is not None:
        _expire_objects(name, bucket, args.expire_after_days, child)
    policy = aws.s3.BucketPolicy(
        name,
        bucket=bucket.id,
        policy=policy_document([_deny_insecure_transport(bucket.arn), *args.grants(bucket.arn)]),
        opts=child,
    )
    return PrivateBucket(bucket=bucket, ready=[encryption, policy], versioning=versioning)


def _encryption_rule(
    kms_key_arn: pulumi.Input[str] | None,
) -> aws.s3.BucketServerSideEncryptionConfigurationRuleArgsDict:
    if kms_key_arn is None:
        return {"apply_server_side_encryption_by_default": {"sse_algorithm": "AES256"}}
    # A bucket key cuts the KMS requests (and their cost) S3 makes per object.
    return {
        "apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms", "kms_master_key_id": kms_key_arn},
        "bucket_key_enabled": True,
    }


def _expire_objects(name: str, bucket: aws.s3.Bucket, days: int, opts: pulumi.ResourceOptions) -> None:
    # Versioning turns an expiry into a delete marker: old versions need their own expiry.
    aws.s3.BucketLifecycleConfiguration(
        name,
        bucket=bucket.id,
        rules=[
            {
                "id": "expire-objects",
                "status": "Enabled",
                "filter": {},
                "expiration": {"days": days},
                "noncurrent_version_expiration": {"noncurrent_days": 7},
                "abort_incomplete_multipart_upload": {"days_after_initiation": 7},
            }
        ],
        opts=opts,
    )


def _deny_insecure_transport(bucket_arn: pulumi.Output[str]) -> Statement:
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [bucket_arn, pulumi.Output.concat(bucket_arn, "/*")],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def key_use_policy(key_arn: pulumi.Input[str], region: str) -> pulumi.Output[str]:
    """An inline policy for a bucket's KMS key: through S3 of this region only, never KMS directly.

    PutObject needs GenerateDataKey, GetObject Decrypt, and so does a multipart upload (the CLI
    switches to one for large streams).
    """
    return policy_document(
        [
            {
                "Sid": "BucketKeyThroughS3",
                "Effect": "Allow",
                "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
                "Resource": key_arn,
                "Condition": {"StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"}},
            }
        ]
    )
