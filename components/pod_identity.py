"""An IAM role for one Kubernetes service account through EKS Pod Identity."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.iam import aws_managed_policy
from components.tagging import resource_tags

POD_IDENTITY_TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "pods.eks.amazonaws.com"},
                "Action": ["sts:AssumeRole", "sts:TagSession"],
            }
        ],
    }
)


@dataclass(frozen=True)
class PodIdentityArgs:
    cluster_name: pulumi.Input[str]
    namespace: str
    service_account: str
    tags: Mapping[str, str]
    aws_managed_policies: Sequence[str] = ()
    # Inline policy documents (JSON) keyed by a short name.
    inline_policies: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    # EKS add-ons bind their own service account (Addon.pod_identity_associations).
    associate: bool = True


@dataclass(frozen=True)
class PodIdentity:
    role: aws.iam.Role
    # Everything that must exist before a pod can use the role.
    grants: list[pulumi.Resource]


def pod_identity(owner: pulumi.Resource, name: str, args: PodIdentityArgs) -> PodIdentity:
    child = pulumi.ResourceOptions(parent=owner)
    role = aws.iam.Role(name, assume_role_policy=POD_IDENTITY_TRUST, tags=resource_tags(args.tags, name), opts=child)
    grants: list[pulumi.Resource] = [
        aws.iam.RolePolicyAttachment(
            f"{name}-{policy}", role=role.name, policy_arn=aws_managed_policy(policy), opts=child
        )
        for policy in args.aws_managed_policies
    ]
    grants += [
        aws.iam.RolePolicy(f"{name}-{policy_name}", role=role.id, policy=document, opts=child)
        for policy_name, document in args.inline_policies.items()
    ]
    if args.associate:
        grants.append(
            aws.eks.PodIdentityAssociation(
                name,
                cluster_name=args.cluster_name,
                namespace=args.namespace,
                service_account=args.service_account,
                role_arn=role.arn,
                tags=resource_tags(args.tags, name),
                opts=child,
            )
        )
    return PodIdentity(role=role, grants=grants)
