"""The stack files parse into the settings each environment is meant to have."""

from __future__ import annotations

import pytest

import versions
from settings import parse_settings
from settings.source import stack_files
from tests.stack_files import stack_config


def settings_of(stack: str):
    return parse_settings("eks-platform", stack, stack_config(stack), stack_files)


def test_dev_is_cheap_single_nat_small_spot_nodes_short_retention():
    dev = settings_of("dev")
    assert dev.region == "us-east-1"
    assert dev.network.nat_gateways == "single"
    assert dev.network.interface_endpoints == ()
    assert dev.system_nodes.capacity_type == "SPOT"
    assert dev.cluster.log_retention_days <= 14
    assert dev.protect_stateful_resources is False
    assert dev.dr.role == "active"
    assert dev.dr.peer_stack is None


def test_prod_has_nat_per_az_three_azs_on_demand_private_endpoint_and_protection():
    prod = settings_of("prod")
    assert prod.network.az_count == 3
    assert prod.network.nat_gateways == "perAz"
    assert set(prod.network.interface_endpoints) == {"ecr.api", "ecr.dkr", "sts", "ec2", "logs"}
    assert prod.system_nodes.capacity_type == "ON_DEMAND"
    assert prod.cluster.endpoint.private is True
    assert "0.0.0.0/0" not in prod.cluster.endpoint.public_cidrs
    assert prod.cluster.log_retention_days >= 365
    assert prod.protect_stateful_resources is True
    assert prod.dr.peer_stack == "prod-dr"


def test_prod_dr_is_a_standby_in_us_west_2_peered_with_prod():
    prod, prod_dr = settings_of("prod"), settings_of("prod-dr")
    assert prod_dr.region == "us-west-2"
    assert prod_dr.dr.role == "standby"
    assert prod_dr.dr.peer_stack == "prod"
    assert prod_dr.dr.peer_vpc_cidr == prod.network.vpc_cidr
    assert prod.dr.peer_vpc_cidr == prod_dr.network.vpc_cidr


def test_standby_takes_standby_scaling_and_active_takes_production_scaling():
    config = stack_config("prod-dr")
    nodes = config["eks-platform:systemNodes"]
    nodes["scaling"] = {"minSize": 4, "desiredSize": 5, "maxSize": 8}
    standby = parse_settings("eks-platform", "prod-dr", config, stack_files).system_nodes.scaling
    assert (standby.min_size, standby.desired_size, standby.max_size) == (
        nodes["standbyScaling"]["minSize"],
        nodes["standbyScaling"]["desiredSize"],
        nodes["standbyScaling"]["maxSize"],
    )
    config["eks-platform:dr"]["role"] = "active"
    promoted = parse_settings("eks-platform", "prod-dr", config, stack_files).system_nodes.scaling
    assert (promoted.min_size, promoted.desired_size, promoted.max_size) == (4, 5, 8)


@pytest.mark.parametrize("stack", ["dev", "prod", "prod-dr"])
def test_tags_carry_environment_stack_project_managed_by_and_the_stacks_own(stack):
    settings = settings_of(stack)
    own = stack_config(stack)["eks-platform:tags"]
    assert settings.tags["stack"] == stack
    assert settings.tags["project"] == "eks-platform"
    assert settings.tags["managed-by"] == "pulumi"
    assert settings.tags["environment"] == stack_config(stack)["eks-platform:environment"]
    assert own.items() <= settings.tags.items()


@pytest.mark.parametrize(
    ("family", "instance_types", "ami_type"),
    [
        ("AL2023", ["m7i.large"], "AL2023_x86_64_STANDARD"),
        ("AL2023", ["m7g.large", "c7g.large"], "AL2023_ARM_64_STANDARD"),
        ("Bottlerocket", ["m6i.large"], "BOTTLEROCKET_x86_64"),
        ("Bottlerocket", ["t4g.large"], "BOTTLEROCKET_ARM_64"),
    ],
)
def test_ami_type_follows_family_and_instance_architecture(family, instance_types, ami_type):
    config = stack_config("dev")
    config["eks-platform:systemNodes"].update(amiFamily=family, instanceTypes=instance_types)
    nodes = parse_settings("eks-platform", "dev", config, stack_files).system_nodes
    assert nodes.ami_type == ami_type
    version = config["eks-platform:cluster"]["kubernetesVersion"]
    assert nodes.ami_release_version == versions.NODE_AMI_RELEASE_VERSIONS[family][version]


def test_every_supported_kubernetes_version_has_every_pin():
    families = versions.NODE_AMI_RELEASE_VERSIONS
    for version in versions.SUPPORTED_KUBERNETES_VERSIONS:
        assert set(versions.EKS_ADDON_VERSIONS[version]) == {
            "vpc-cni",
            "coredns",
            "kube-proxy",
            "eks-pod-identity-agent",
            "aws-ebs-csi-driver",
            "amazon-cloudwatch-observability",
            "snapshot-controller",
        }
        assert all(version in releases for releases in families.values()), version
        assert all(releases[version].startswith(version) for f, releases in families.items() if f == "AL2023")
