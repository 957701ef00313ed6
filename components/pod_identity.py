"""An IAM role for one Kubernetes service account through EKS Pod Identity."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from components.iam import aws_managed_policy
from components.tagging import resource_tags

POD_IDENTITY_SERVICE = "pods.eks.amazonaws.com"


def pod_identity_trust(account_id: str, cluster_name: str, namespace: str, service_account: str) -> dict[str, Any]:
    """EKS Pod Identity may assume the role only for one service account of one cluster of this account.

    EKS sets these session tags when it assumes the role (Amazon EKS User Guide, "Create IAM role
    with trust policy required by EKS Pod Identity" and "Enable or disable session tags"); without
    them any association in the account, in any cluster, could use the role.
    """
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "EksPodIdentityForOneServiceAccount",
                "Effect": "Allow",
                "Principal": {"Service": POD_IDENTITY_SERVICE},
                "Action": ["sts:AssumeRole", "sts:TagSession"],
                "Condition": {
                    "StringEquals": {
                        "aws:SourceAccount": account_id,
                        "aws:RequestTag/eks-cluster-name": cluster_name,
                        "aws:RequestTag/kubernetes-namespace": namespace,
                        "aws:RequestTag/kubernetes-service-account": service_account,
                    }
                },
            }
        ],
    }


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
    account_id = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=owner)).account_id
    trust = pulumi.Output.all(account_id, args.cluster_name).apply(
        lambda ids: json.dumps(pod_identity_trust(ids[0], ids[1], args.namespace, args.service_account))
    )
    role = aws.iam.Role(name, assume_role_policy=trust, tags=resource_tags(args.tags, name), opts=child)
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
