"""Statements every platform KMS key policy carries: administrators apart from users, and in
stacks that protect state, no disabling or deletion but by the break-glass role. Pure."""

from __future__ import annotations

from typing import Any

import pulumi

# Managing a key, never using it (AWS KMS Developer Guide, "Allows key administrators to administer the key").
ADMIN_ACTIONS = (
    "kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*", "kms:Revoke*",
    "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource", "kms:UntagResource",
    "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion", "kms:RotateKeyOnDemand",
)  # fmt: skip
# Using a key. The account delegates these to IAM, so each role's own policy names the key it uses.
USE_ACTIONS = ("kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey")
GRANT_ACTIONS = ("kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant")
# What makes the data a key protects unreadable. (PutKeyPolicy stays with the administrators: every
# `pulumi up` that changes a key policy needs it; CloudTrail is where its use is reviewed.)
DESTRUCTIVE_ACTIONS = ("kms:DisableKey", "kms:ScheduleKeyDeletion")

Statement = dict[str, Any]


def administration(administrators: tuple[str, ...]) -> Statement:
    return {
        "Sid": "KeyAdministrators",
        "Effect": "Allow",
        "Principal": {"AWS": list(administrators)},
        "Action": list(ADMIN_ACTIONS),
        "Resource": "*",
    }


def use_through_iam(account_root: pulumi.Input[str]) -> list[Statement]:
    """Roles of this account may use the key if their IAM policy says so; grants only for AWS services."""
    return [
        {
            "Sid": "KeyUseThroughIam",
            "Effect": "Allow",
            "Principal": {"AWS": account_root},
            "Action": list(USE_ACTIONS),
            "Resource": "*",
        },
        {
            "Sid": "GrantsForAwsServicesThroughIam",
            "Effect": "Allow",
            "Principal": {"AWS": account_root},
            "Action": list(GRANT_ACTIONS),
            "Resource": "*",
            "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}},
        },
    ]


def protection(break_glass_role: str) -> Statement:
    """An explicit deny beats every allow, IAM policies included: only break-glass may destroy or re-own the key."""
    return {
        "Sid": "OnlyBreakGlassDisablesOrDeletes",
        "Effect": "Deny",
        "Principal": {"AWS": "*"},
        "Action": list(DESTRUCTIVE_ACTIONS),
        "Resource": "*",
        "Condition": {"ArnNotEquals": {"aws:PrincipalArn": break_glass_role}},
    }
