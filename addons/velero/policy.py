"""Velero's IAM policy: its one bucket and its key through S3, nothing else.

No EC2 snapshot actions: volume data leaves through the CSI snapshot data mover into the
bucket (the EBS CSI driver takes the snapshot with its own role), because EBS snapshots do not
cross regions and a backup that cannot restore in the peer region is no DR backup.
"""

from __future__ import annotations

import pulumi

from components.iam import policy_document


def velero_policy(bucket_arn: pulumi.Input[str], key_arn: pulumi.Input[str], region: str) -> pulumi.Output[str]:
    """Actions from velero-plugin-for-aws's README ("Set permissions for Velero"), minus EC2."""
    return policy_document(
        [
            {"Sid": "ListTheBucket", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": bucket_arn},
            {
                "Sid": "ReadWriteBackups",
                "Effect": "Allow",
                "Action": [
                    "s3:GetObject",
                    "s3:PutObject",
                    "s3:DeleteObject",
                    "s3:AbortMultipartUpload",
                    "s3:ListMultipartUploadParts",
                ],
                "Resource": pulumi.Output.concat(bucket_arn, "/*"),
            },
            {
                "Sid": "BucketKeyThroughS3",
                "Effect": "Allow",
                "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
                "Resource": key_arn,
                "Condition": {"StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"}},
            },
        ]
    )
