"""AWS-managed IAM policies as published, from cfn-lint 1.51.0's ManagedPolicies.json."""

from __future__ import annotations

import re

from policy import catalogues as catalogue

# --------------------------------------------------------------------------------------
# AWS-managed IAM policies (cfn-lint)
# --------------------------------------------------------------------------------------

MANAGED_POLICY_ARN = re.compile(r"arn:aws(?:-[a-z]+)*:iam::aws:policy/[\w+=,.@/-]+")


def managed_policies() -> dict[str, str]:
    """AWS-managed policies as published: policy name -> ARN.

    Source: cfn-lint 1.51.0, package data `cfnlint/data/Serverless/ManagedPolicies.json`
    (AWS's managed-policy list, which cfn-lint uses to expand SAM policy names), loaded by the
    policy pack's catalogue module, which the `iam-managed-policies-published` rule reads too. The
    file is keyed by the policy's *name* and its value is the full ARN in the `aws` partition,
    path included: "AmazonEBSCSIDriverPolicy" -> ".../policy/service-role/AmazonEBSCSIDriverPolicy",
    "AmazonEBSCSIDriverPolicyV2" -> ".../policy/AmazonEBSCSIDriverPolicyV2". So an ARN is
    published only if it is one of the values; a known name under another path is not.
    Data date: the file last changed in cfn-lint commit 36b449dd on 2026-05-12.
    """
    return catalogue.managed_policies()


def managed_policy_arns() -> frozenset[str]:
    """The ARNs of `managed_policies()` (aws partition)."""
    return catalogue.managed_policy_arns()


def aws_partition(arn: str) -> str:
    """The ARN with its partition (aws-cn, aws-us-gov, ...) replaced by `aws`, as the catalogue spells it."""
    return re.sub(r"^arn:aws(?:-[a-z]+)*:", "arn:aws:", arn)
