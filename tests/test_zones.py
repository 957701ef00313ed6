"""Subnets go to zones EKS accepts, chosen by zone ID; the zone data is AWS's, regenerated from moto."""

from __future__ import annotations

import pytest

from offline_plan.mocks import availability_zones
from settings import SettingsError, parse_settings
from settings.aws_catalog import eks_unsupported_zone_ids, eks_zone_ids, region_zones
from settings.source import stack_files
from tests.conftest import plan_with
from tests.graph import tag_values
from tests.stack_files import stack_config

SUBNET = "aws:ec2/subnet:Subnet"


def test_the_mock_answers_from_the_same_zone_data_and_applies_exclusions_as_aws_does():
    everything = availability_zones("us-east-1", {})
    assert "use1-az3" in everything["zoneIds"], "the data holds a zone ID EKS refuses, so skipping it is tested"
    filtered = availability_zones("us-east-1", {"excludeZoneIds": ["use1-az3"]})
    assert "use1-az3" not in filtered["zoneIds"]
    assert len(filtered["names"]) == len(everything["names"]) - 1
    assert dict(zip(filtered["names"], filtered["zoneIds"], strict=True)).items() <= region_zones("us-east-1").items()


def test_the_lookup_excludes_the_zone_ids_eks_refuses(any_stack):
    # The real invoke carries the exclusion, not only the mock: it is in the recorded subnets' source.
    subnets = any_stack.of_type(SUBNET)
    region = any_stack.outputs["region"]
    used = {subnet["inputs"]["availabilityZoneId"] for subnet in subnets}
    assert used <= set(region_zones(region).values())
    assert not used & set(eks_unsupported_zone_ids())


def test_five_zones_in_us_east_1_skip_use1_az3_although_the_account_maps_a_name_to_it():
    # This account's us-east-1e is use1-az3: taking the first five names would pick it.
    first_five_by_name = [zone_id for _, zone_id in sorted(region_zones("us-east-1").items())][:5]
    assert "use1-az3" in first_five_by_name
    plan = plan_with("prod", lambda config: config["eks-platform:network"].update(azCount=5))
    used = {subnet["inputs"]["availabilityZoneId"] for subnet in plan.of_type(SUBNET)}
    assert len(used) == 5
    assert "use1-az3" not in used


def test_each_tier_spans_distinct_zones(any_stack):
    count = stack_config(any_stack.stack)["eks-platform:network"]["azCount"]
    for tier in ("public", "private"):
        zones = [s["inputs"]["availabilityZoneId"] for s in any_stack.of_type(SUBNET) if tag_values(s)["tier"] == tier]
        assert len(zones) == len(set(zones)) == count


@pytest.mark.parametrize(("region", "count"), [("us-west-1", 3), ("ca-central-1", 4), ("us-east-1", 6)])
def test_more_zones_than_eks_accepts_in_the_region_is_refused(region, count):
    config = stack_config("dev")
    config["aws:region"] = region
    config["eks-platform:network"]["azCount"] = count
    with pytest.raises(SettingsError) as refused:
        parse_settings("eks-platform", "dev", config, stack_files)
    assert refused.value.key == "eks-platform:network.azCount"
    assert refused.value.value == count
    assert str(len(eks_zone_ids(region))) in refused.value.allowed


def test_us_west_1_offers_two_zones_for_eks():
    assert len(eks_zone_ids("us-west-1")) == 2
    assert "usw1-az2" not in eks_zone_ids("us-west-1")
