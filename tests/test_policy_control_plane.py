"""The control-plane rules, on the component offline and on the AWS cluster a real preview shows."""

from __future__ import annotations

from typing import Any

import pulumi_aws as aws
import pulumi_eks as eks
import pytest

from tests.conftest import graph
from tests.policy_programs import PROTECTED, UNPROTECTED, findings, findings_of_program

ALL_LOGS = ["api", "audit", "authenticator", "controllerManager", "scheduler"]
KEY = "arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000001"


def component(**overrides: Any) -> None:
    inputs: dict[str, Any] = {
        "name": "case",
        "vpc_id": "vpc-0123",
        "private_subnet_ids": ["subnet-a", "subnet-b"],
        "skip_default_node_group": True,
        "authentication_mode": eks.AuthenticationMode.API,
        "encryption_config_key_arn": KEY,
        "enabled_cluster_log_types": ALL_LOGS,
        "endpoint_public_access": False,
        "endpoint_private_access": True,
    }
    inputs.update(overrides)
    eks.Cluster("case", **inputs)


def aws_cluster(**overrides: Any) -> None:
    """The shape pulumi-eks creates under the component, which only a real preview shows."""
    inputs: dict[str, Any] = {
        "role_arn": "arn:aws:iam::111122223333:role/cluster",
        "vpc_config": aws.eks.ClusterVpcConfigArgs(
            subnet_ids=["subnet-a"], endpoint_public_access=False, endpoint_private_access=True
        ),
        "access_config": aws.eks.ClusterAccessConfigArgs(authentication_mode="API"),
        "encryption_config": aws.eks.ClusterEncryptionConfigArgs(
            resources=["secrets"], provider=aws.eks.ClusterEncryptionConfigProviderArgs(key_arn=KEY)
        ),
        "enabled_cluster_log_types": ALL_LOGS,
    }
    inputs.update(overrides)
    aws.eks.Cluster("case", **inputs)


@pytest.mark.parametrize("declare", [component, aws_cluster], ids=["eks-component", "aws-cluster"])
def test_a_well_configured_control_plane_passes_every_rule(declare: Any) -> None:
    for name in (
        "eks-secrets-encryption",
        "eks-control-plane-logs",
        "eks-endpoint-not-internet-open",
        "eks-access-entries-only",
    ):
        assert findings_of_program(name, declare) == [], name


def test_secrets_without_a_key_are_refused_on_either_shape() -> None:
    assert findings_of_program("eks-secrets-encryption", lambda: component(encryption_config_key_arn=None))
    no_secrets = aws.eks.ClusterEncryptionConfigArgs(
        resources=["configmaps"], provider=aws.eks.ClusterEncryptionConfigProviderArgs(key_arn=KEY)
    )
    assert findings_of_program("eks-secrets-encryption", lambda: aws_cluster(encryption_config=no_secrets))


def test_a_missing_log_type_is_named() -> None:
    [found] = findings_of_program("eks-control-plane-logs", lambda: component(enabled_cluster_log_types=ALL_LOGS[:3]))
    assert "controllerManager" in found.message
    assert "scheduler" in found.message
    assert findings_of_program("eks-control-plane-logs", lambda: aws_cluster(enabled_cluster_log_types=["api"]))


def test_a_public_endpoint_without_cidrs_is_refused_only_in_protected_stacks() -> None:
    def public() -> None:
        component(endpoint_public_access=True)

    assert findings_of_program("eks-endpoint-not-internet-open", public, PROTECTED)
    assert findings_of_program("eks-endpoint-not-internet-open", public, UNPROTECTED) == []


def test_a_public_endpoint_open_to_every_address_is_refused_on_the_aws_cluster() -> None:
    vpc = aws.eks.ClusterVpcConfigArgs(
        subnet_ids=["subnet-a"], endpoint_public_access=True, public_access_cidrs=["0.0.0.0/0"]
    )
    [found] = findings_of_program("eks-endpoint-not-internet-open", lambda: aws_cluster(vpc_config=vpc))
    assert "0.0.0.0/0" in found.message


def test_prods_public_endpoint_names_its_cidrs_and_passes() -> None:
    prod = graph("prod")
    assert prod.one("eks:index:Cluster")["inputs"]["endpointPublicAccess"] is True
    assert findings(prod.plan, "eks-endpoint-not-internet-open", PROTECTED) == []


def test_the_aws_auth_configmap_mode_is_refused() -> None:
    assert findings_of_program("eks-access-entries-only", lambda: component(authentication_mode="API_AND_CONFIG_MAP"))
    access = aws.eks.ClusterAccessConfigArgs(authentication_mode="CONFIG_MAP")
    assert findings_of_program("eks-access-entries-only", lambda: aws_cluster(access_config=access))
