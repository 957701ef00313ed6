"""A private, versioned, encrypted S3 bucket for a workload."""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_aws as aws

from components.iam import policy_document
from components.tagging import resource_tags


def private_bucket(owner: pulumi.Resource, name: str, tags: Mapping[str, str], protect: bool) -> aws.s3.Bucket:
    child = pulumi.ResourceOptions(parent=owner)
    bucket = aws.s3.Bucket(
        name, tags=resource_tags(tags, name), opts=pulumi.ResourceOptions(parent=owner, protect=protect)
    )
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
    aws.s3.BucketVersioning(name, bucket=bucket.id, versioning_configuration={"status": "Enabled"}, opts=child)
    aws.s3.BucketServerSideEncryptionConfiguration(
        name,
        bucket=bucket.id,
        rules=[{"apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms"}, "bucket_key_enabled": True}],
        opts=child,
    )
    aws.s3.BucketPolicy(
        name,
        bucket=bucket.id,
        policy=policy_document(
            [
                {
                    "Sid": "DenyInsecureTransport",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": [bucket.arn, pulumi.Output.concat(bucket.arn, "/*")],
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                }
            ]
        ),
        opts=child,
    )
    return bucket
