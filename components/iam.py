"""IAM documents as plain data (so tests can lint every one of them) and shared roles."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import pulumi
import pulumi_aws as aws

from components.tagging import resource_tags

# What a worker node's instance role needs: join the cluster, pull images, and be
# reachable through SSM Session Manager instead of SSH. The VPC CNI's rights
# (AmazonEKS_CNI_Policy) belong to the aws-node service account through Pod Identity,
# not to every process on the node.
NODE_ROLE_POLICIES = (
    "AmazonEKSWorkerNodePolicy",
    "AmazonEC2ContainerRegistryPullOnly",
    "AmazonSSMManagedInstanceCore",
)


def service_trust_policy(service: str, conditions: Mapping[str, Any] | None = None) -> str:
    """A role trust policy letting one AWS service principal assume the role."""
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Action": "sts:AssumeRole",
    }
    if conditions:
        statement["Condition"] = dict(conditions)
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def policy_document(statements: Sequence[Mapping[str, Any]]) -> pulumi.Output[str]:
    """A policy document whose statements may hold Outputs (ARNs of resources)."""
    return pulumi.Output.json_dumps({"Version": "2012-10-17", "Statement": list(statements)})


def key_use_through(service_host: str, key_arn: pulumi.Input[str]) -> pulumi.Output[str]:
    """Use one KMS key, only through one AWS service (kms:ViaService), grants only for AWS resources."""
    via = {"StringEquals": {"kms:ViaService": service_host}}
    return policy_document(
        [
            {
                "Sid": "UseTheKeyThroughTheService",
                "Effect": "Allow",
                "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
                "Resource": key_arn,
                "Condition": via,
            },
            {
                "Sid": "GrantTheServiceTheKey",
                "Effect": "Allow",
                "Action": ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
                "Resource": key_arn,
                "Condition": {**via, "Bool": {"kms:GrantIsForAWSResource": "true"}},
            },
        ]
    )


def aws_managed_policy(name: str) -> str:
    return f"arn:aws:iam::aws:policy/{name}"


def node_role(owner: pulumi.Resource, name: str, tags: Mapping[str, str], role_name: str | None = None) -> aws.iam.Role:
    """An EC2 instance role for EKS worker nodes; `role_name` fixes its name when others refer to it."""
    child = pulumi.ResourceOptions(parent=owner)
    role = aws.iam.Role(
        name,
        name=role_name,
        assume_role_policy=service_trust_policy("ec2.amazonaws.com"),
        tags=resource_tags(tags, name),
        opts=child,
    )
    for policy in NODE_ROLE_POLICIES:
        aws.iam.RolePolicyAttachment(
            f"{name}-{policy}", role=role.name, policy_arn=aws_managed_policy(policy), opts=child
        )
    return role
