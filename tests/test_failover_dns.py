"""web's public name fails over between the DR pair: one Route 53 failover record per region,
PRIMARY on the active stack and SECONDARY on the standby, each aliasing its own region's ALB
behind a health check, and external-dns kept off that name so the regions never write one record."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cost import estimate_plan
from difference import alarms, compare_plans
from tests.conftest import graph, promoted
from tests.stack_files import stack_config
from workloads.web import READ_PATHS

RECORD = "aws:route53/record:Record"
CHECK = "aws:route53/healthCheck:HealthCheck"
INGRESS = "kubernetes:networking.k8s.io/v1:Ingress"
ALB_ZONES = json.loads((Path(__file__).resolve().parent.parent / "settings/data/alb_hosted_zones.json").read_text())
PAIR = ("prod", "prod-dr")


def only(plan: dict, kind: str) -> dict[str, Any]:
    [resource] = [r for r in plan["resources"] if r["type"] == kind]
    return resource["inputs"]


def failover_type(plan: dict) -> str:
    return only(plan, RECORD)["failoverRoutingPolicies"][0]["type"]


def test_the_active_region_is_primary_and_the_standby_secondary():
    assert (failover_type(graph("prod").plan), failover_type(graph("prod-dr").plan)) == ("PRIMARY", "SECONDARY")


def test_promotion_makes_the_standby_primary():
    assert failover_type(promoted("prod-dr").plan) == "PRIMARY"
    difference = compare_plans(graph("prod-dr").plan, promoted("prod-dr").plan)
    [record] = [ref for ref in difference.changed if ref.startswith(RECORD)]
    assert [change.path for change in difference.changed[record]] == ["failoverRoutingPolicies[0].type"]
    assert record not in {alarm.ref for alarm in alarms(difference)}, "flipping the policy updates the record"


def test_both_regions_answer_one_name_in_one_zone_with_their_own_set_identifier():
    records = [only(graph(stack).plan, RECORD) for stack in PAIR]
    zone = stack_config("prod")["eks-platform:dns"]
    assert {(r["zoneId"], r["name"], r["type"]) for r in records} == {
        (zone["hostedZoneId"], f"web.{zone['domain']}", "A")
    }
    assert len({r["setIdentifier"] for r in records}) == 2
    # Each alias names the ALB zone of its own region: a zone from the other region fails the alias.
    assert len({r["aliases"][0]["zoneId"] for r in records}) == 2


@pytest.mark.parametrize("stack", PAIR)
def test_each_record_aliases_its_own_regions_alb_behind_a_health_check(stack):
    plan = graph(stack).plan
    record, check = only(plan, RECORD), only(plan, CHECK)
    [alias] = record["aliases"]
    assert alias["name"] == check["fqdn"]
    assert alias["name"].endswith(f".{plan['outputs']['region']}.elb.amazonaws.com")
    assert alias["zoneId"] == ALB_ZONES["zones"][plan["outputs"]["region"]]
    assert alias["evaluateTargetHealth"] is True
    assert record["healthCheckId"]


@pytest.mark.parametrize("stack", PAIR)
def test_the_health_check_probes_a_path_the_web_acl_lets_through_over_https(stack):
    check = only(graph(stack).plan, CHECK)
    assert (check["type"], check["port"]) == ("HTTPS", 443)
    assert check["resourcePath"] in READ_PATHS


@pytest.mark.parametrize("stack", PAIR)
def test_failure_detection_is_what_the_rto_model_assumes(stack):
    check = only(graph(stack).plan, CHECK)
    assumed = stack_config(stack)["eks-platform:review"]["failoverDetectionSeconds"]
    assert check["requestInterval"] * check["failureThreshold"] == assumed


def names_external_dns_may_write(plan: dict) -> set[str]:
    """Hosts of Ingresses external-dns is responsible for (no foreign controller annotation),
    including the ones charts render."""
    names = set()
    for resource in plan["resources"]:
        inputs = resource["inputs"]
        if resource["type"] == INGRESS:
            controller = (inputs["metadata"].get("annotations") or {}).get(
                "external-dns.alpha.kubernetes.io/controller"
            )
            if controller in (None, "dns-controller"):
                names |= {rule.get("host") for rule in inputs["spec"]["rules"] if rule.get("host")}
        elif resource["type"] == "kubernetes:helm.sh/v3:Release":
            ingress = ((inputs.get("values") or {}).get("grafana") or {}).get("ingress") or {}
            names |= set(ingress.get("hosts") or []) if ingress.get("enabled") else set()
    return names


def test_the_two_regions_external_dns_never_write_the_same_name():
    prod, standby = (names_external_dns_may_write(graph(stack).plan) for stack in PAIR)
    assert prod, "Grafana's internal name is published by external-dns"
    assert prod.isdisjoint(standby)
    failover_name = only(graph("prod").plan, RECORD)["name"]
    assert failover_name not in prod | standby, "the failover name belongs to the records alone"


def test_a_stack_without_a_peer_has_no_failover_record():
    plan = graph("dev").plan
    assert not [r for r in plan["resources"] if r["type"] in (RECORD, CHECK)]


@pytest.mark.parametrize("stack", PAIR)
def test_the_health_check_is_priced(stack):
    items = {item.item: item for item in estimate_plan(graph(stack).plan).items}
    assert items["Route 53 health checks"].monthly > 0
