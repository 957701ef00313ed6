"""Karpenter's controller IAM policies, statement for statement as in Karpenter's
official CloudFormation (v1.14 getting-started), scoped to one cluster.

One change narrows it further: the official statement lets RunInstances/CreateFleet use any
subnet and security group of the region; here those two resource types sit in a statement of
their own, conditioned on `ec2:Vpc` (the VPC the resource belongs to), so the controller can
launch only into this cluster's VPC even where stacks share an account.

Pure functions of plain strings, so tests can lint them without the Pulumi runtime.
The optional zonal-shift policy is left out: the chart's `enableZonalShift` is off.
"""

from __future__ import annotations

from typing import Any

Statement = dict[str, Any]

CONTROLLER_NAMESPACE = "kube-system"
CONTROLLER_SERVICE_ACCOUNT = "karpenter"
CONTROLLER_POLICY_NAMES = ("node-lifecycle", "iam-integration", "eks-integration", "interruption", "resource-discovery")
_NODE_RESOURCES = ("fleet", "instance", "volume", "network-interface", "launch-template", "spot-instances-request")


def _document(statements: list[Statement]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": statements}


def _owned_by(cluster: str, tag: str = "aws:ResourceTag") -> dict[str, str]:
    return {f"{tag}/kubernetes.io/cluster/{cluster}": "owned"}


def controller_policies(
    region: str, account_id: str, cluster: str, node_role_arn: str, queue_arn: str, vpc_id: str
) -> dict[str, dict[str, Any]]:
    """Policy documents keyed by the concern each covers."""
    ec2 = f"arn:aws:ec2:{region}"
    instance_profiles = f"arn:aws:iam::{account_id}:instance-profile/*"
    nodepool_owned = {
        "StringEquals": _owned_by(cluster),
        "StringLike": {"aws:ResourceTag/karpenter.sh/nodepool": "*"},
    }
    tagged_at_creation = {
        **_owned_by(cluster, "aws:RequestTag"),
        "aws:RequestTag/eks:eks-cluster-name": cluster,
    }
    node_resources = [f"{ec2}:*:{kind}/*" for kind in _NODE_RESOURCES]
    nodeclass_like = {"StringLike": {"aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*"}}
    region_tag = {"aws:ResourceTag/topology.kubernetes.io/region": region}
    return {
        "node-lifecycle": _document(
            [
                {
                    "Sid": "AllowScopedEC2InstanceAccessActions",
                    "Effect": "Allow",
                    "Action": ["ec2:RunInstances", "ec2:CreateFleet"],
                    "Resource": [
                        f"{ec2}::image/*",
                        f"{ec2}::snapshot/*",
                        f"{ec2}:*:capacity-reservation/*",
                        f"{ec2}:*:placement-group/*",
                    ],
                },
                {
                    "Sid": "AllowEC2InstanceAccessInTheClusterVpc",
                    "Effect": "Allow",
                    "Action": ["ec2:RunInstances", "ec2:CreateFleet"],
                    "Resource": [f"{ec2}:*:security-group/*", f"{ec2}:*:subnet/*"],
                    "Condition": {"ArnEquals": {"ec2:Vpc": f"{ec2}:{account_id}:vpc/{vpc_id}"}},
                },
                {
                    "Sid": "AllowScopedEC2LaunchTemplateAccessActions",
                    "Effect": "Allow",
                    "Action": ["ec2:RunInstances", "ec2:CreateFleet"],
                    "Resource": f"{ec2}:*:launch-template/*",
                    "Condition": nodepool_owned,
                },
                {
                    "Sid": "AllowScopedEC2InstanceActionsWithTags",
                    "Effect": "Allow",
                    "Action": ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"],
                    "Resource": node_resources,
                    "Condition": {
                        "StringEquals": tagged_at_creation,
                        "StringLike": {"aws:RequestTag/karpenter.sh/nodepool": "*"},
                    },
                },
                {
                    "Sid": "AllowScopedResourceCreationTagging",
                    "Effect": "Allow",
                    "Action": "ec2:CreateTags",
                    "Resource": node_resources,
                    "Condition": {
                        "StringEquals": {
                            **tagged_at_creation,
                            "ec2:CreateAction": ["RunInstances", "CreateFleet", "CreateLaunchTemplate"],
                        },
                        "StringLike": {"aws:RequestTag/karpenter.sh/nodepool": "*"},
                    },
                },
                {
                    "Sid": "AllowScopedResourceTagging",
                    "Effect": "Allow",
                    "Action": "ec2:CreateTags",
                    "Resource": f"{ec2}:*:instance/*",
                    "Condition": {
                        **nodepool_owned,
                        "StringEqualsIfExists": {"aws:RequestTag/eks:eks-cluster-name": cluster},
                        "ForAllValues:StringEquals": {
                            "aws:TagKeys": ["eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name"]
                        },
                    },
                },
                {
                    "Sid": "AllowScopedDeletion",
                    "Effect": "Allow",
                    "Action": ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"],
                    "Resource": [f"{ec2}:*:instance/*", f"{ec2}:*:launch-template/*"],
                    "Condition": nodepool_owned,
                },
            ]
        ),
        "iam-integration": _document(
            [
                {
                    "Sid": "AllowPassingInstanceRole",
                    "Effect": "Allow",
                    "Action": "iam:PassRole",
                    "Resource": node_role_arn,
                    "Condition": {"StringEquals": {"iam:PassedToService": ["ec2.amazonaws.com"]}},
                },
                {
                    "Sid": "AllowScopedInstanceProfileCreationActions",
                    "Effect": "Allow",
                    "Action": ["iam:CreateInstanceProfile"],
                    "Resource": instance_profiles,
                    "Condition": {
                        "StringEquals": {
                            **tagged_at_creation,
                            "aws:RequestTag/topology.kubernetes.io/region": region,
                        },
                        "StringLike": {"aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*"},
                    },
                },
                {
                    "Sid": "AllowScopedInstanceProfileTagActions",
                    "Effect": "Allow",
                    "Action": ["iam:TagInstanceProfile"],
                    "Resource": instance_profiles,
                    "Condition": {
                        "StringEquals": {
                            **_owned_by(cluster),
                            **region_tag,
                            **tagged_at_creation,
                            "aws:RequestTag/topology.kubernetes.io/region": region,
                        },
                        "StringLike": {
                            "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*",
                            "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*",
                        },
                    },
                },
                {
                    "Sid": "AllowScopedInstanceProfileActions",
                    "Effect": "Allow",
                    "Action": [
                        "iam:AddRoleToInstanceProfile",
                        "iam:RemoveRoleFromInstanceProfile",
                        "iam:DeleteInstanceProfile",
                    ],
                    "Resource": instance_profiles,
                    "Condition": {"StringEquals": {**_owned_by(cluster), **region_tag}, **nodeclass_like},
                },
            ]
        ),
        "eks-integration": _document(
            [
                {
                    "Sid": "AllowAPIServerEndpointDiscovery",
                    "Effect": "Allow",
                    "Action": "eks:DescribeCluster",
                    "Resource": f"arn:aws:eks:{region}:{account_id}:cluster/{cluster}",
                }
            ]
        ),
        "interruption": _document(
            [
                {
                    "Sid": "AllowInterruptionQueueActions",
                    "Effect": "Allow",
                    "Action": ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"],
                    "Resource": queue_arn,
                }
            ]
        ),
        "resource-discovery": _document(
            [
                {
                    "Sid": "AllowRegionalReadActions",
                    "Effect": "Allow",
                    "Action": [
                        "ec2:DescribeCapacityReservations",
                        "ec2:DescribeImages",
                        "ec2:DescribeInstances",
                        "ec2:DescribeInstanceStatus",
                        "ec2:DescribeInstanceTypeOfferings",
                        "ec2:DescribeInstanceTypes",
                        "ec2:DescribeLaunchTemplates",
                        "ec2:DescribePlacementGroups",
                        "ec2:DescribeSecurityGroups",
                        "ec2:DescribeSpotPriceHistory",
                        "ec2:DescribeSubnets",
                    ],
                    "Resource": "*",
                    "Condition": {"StringEquals": {"aws:RequestedRegion": region}},
                },
                {
                    "Sid": "AllowSSMReadActions",
                    "Effect": "Allow",
                    "Action": "ssm:GetParameter",
                    "Resource": f"arn:aws:ssm:{region}::parameter/aws/service/*",
                },
                {"Sid": "AllowPricingReadActions", "Effect": "Allow", "Action": "pricing:GetProducts", "Resource": "*"},
                {
                    "Sid": "AllowUnscopedInstanceProfileListAction",
                    "Effect": "Allow",
                    "Action": "iam:ListInstanceProfiles",
                    "Resource": "*",
                },
                {
                    "Sid": "AllowInstanceProfileReadActions",
                    "Effect": "Allow",
                    "Action": "iam:GetInstanceProfile",
                    "Resource": instance_profiles,
                },
            ]
        ),
    }


def irsa_trust(oidc_provider_arn: str, oidc_provider_url: str) -> dict[str, Any]:
    """Web identity trust for exactly the controller's service account."""
    issuer = oidc_provider_url.removeprefix("https://")
    return _document(
        [
            {
                "Effect": "Allow",
                "Principal": {"Federated": oidc_provider_arn},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {
                        f"{issuer}:sub": f"system:serviceaccount:{CONTROLLER_NAMESPACE}:{CONTROLLER_SERVICE_ACCOUNT}",
                        f"{issuer}:aud": "sts.amazonaws.com",
                    }
                },
            }
        ]
    )
