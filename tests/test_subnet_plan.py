"""The VPC is carved into disjoint per-AZ subnets that fit inside it."""

from __future__ import annotations

import ipaddress
import itertools

import pytest

from components.subnet_plan import MAX_AZS, plan_subnets


@pytest.mark.parametrize("cidr", ["10.10.0.0/16", "10.20.0.0/18", "172.16.0.0/20"])
@pytest.mark.parametrize("az_count", range(2, MAX_AZS + 1))
def test_subnets_are_inside_the_vpc_and_never_overlap(cidr, az_count):
    vpc = ipaddress.IPv4Network(cidr)
    plan = plan_subnets(cidr, az_count)
    networks = [ipaddress.IPv4Network(n) for az in plan for n in (az.public, az.private)]
    assert len(plan) == az_count
    assert all(network.subnet_of(vpc) for network in networks)
    assert not any(a.overlaps(b) for a, b in itertools.combinations(networks, 2))


def test_private_subnets_get_most_addresses_for_pods():
    az = plan_subnets("10.10.0.0/16", 3)[0]
    assert ipaddress.IPv4Network(az.private).num_addresses == 8192
    assert ipaddress.IPv4Network(az.public).num_addresses == 1024


def test_smallest_vpc_still_leaves_room_for_pods_and_load_balancers():
    az = plan_subnets("10.10.0.0/20", 6)[5]
    assert ipaddress.IPv4Network(az.private).num_addresses == 512
    assert ipaddress.IPv4Network(az.public).num_addresses == 64


def test_more_azs_than_the_plan_holds_is_refused():
    with pytest.raises(ValueError, match="az_count"):
        plan_subnets("10.10.0.0/16", MAX_AZS + 1)
