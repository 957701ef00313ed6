"""Monthly cost from the plan: line items priced from cost/data/prices.json, Karpenter's baseline
bin-packed onto the cheapest allowed type and its worst case at the NodePool limits."""

from __future__ import annotations

import json

import pytest

from capacity.catalog import Requests
from capacity.plan_reading import Pod
from cost import estimate_plan, target_lines
from cost.karpenter import NodePool, baseline, worst_case
from cost.prices import PRICES, region_prices
from tests.conftest import STACKS, graph
from tests.stack_files import stack_config

RAW = json.loads(PRICES.read_text())
EAST = RAW["regions"]["us-east-1"]
HOURS = RAW["hoursPerMonth"]


def usd(name: str) -> float:
    return EAST[name]["usd"]


def hourly(instance: str) -> float:
    return EAST["onDemandHour"]["usd"][instance]


def node(kind: str, name: str, inputs: dict) -> dict:
    return {"type": kind, "name": name, "parent": None, "custom": True, "dependencies": [], "dependsOn": [],
            "protect": False, "inputs": inputs, "aliases": []}  # fmt: skip


def pool(instance_types: list[str], cpu: str = "1000", memory: str = "4000Gi", capacity: str = "on-demand") -> NodePool:
    return NodePool(
        name="p", labels={}, tainted=False, weight=0, cpu_limit_millicores=int(cpu) * 1000,
        memory_limit_mib=float(memory.removesuffix("Gi")) * 1024,
        requirements=[
            {"key": "node.kubernetes.io/instance-type", "operator": "In", "values": instance_types},
            {"key": "karpenter.sh/capacity-type", "operator": "In", "values": [capacity]},
        ],
    )  # fmt: skip


def test_fixed_items_are_counted_from_the_graph_and_priced_per_region():
    plan = {
        "stack": "t",
        "outputs": {"region": "us-east-1", "review": {"natDataGiBPerMonth": 100, "logIngestionGiBPerMonth": 10}},
        "resources": [
            node("eks:index:Cluster", "c", {}),
            node("aws:ec2/natGateway:NatGateway", "a", {}),
            node("aws:ec2/natGateway:NatGateway", "b", {}),
            node("aws:ec2/vpcEndpoint:VpcEndpoint", "sts",
                 {"vpcEndpointType": "Interface", "subnetIds": ["x", "y", "z"]}),
            node("aws:ec2/vpcEndpoint:VpcEndpoint", "s3", {"vpcEndpointType": "Gateway", "routeTableIds": ["r"]}),
            node("eks:index:ManagedNodeGroup", "sys", {"instanceTypes": ["m5.large"], "capacityType": "ON_DEMAND",
                                                      "scalingConfig": {"desiredSize": 2, "minSize": 2, "maxSize": 3}}),
            node("aws:ec2/launchTemplate:LaunchTemplate", "lt", {"blockDeviceMappings": [{"ebs": {"volumeSize": 20}}]}),
            node("aws:cloudwatch/metricAlarm:MetricAlarm", "x", {}),
            node("aws:cloudwatch/metricAlarm:MetricAlarm", "y", {}),
            node("aws:kms/key:Key", "k", {}),
        ],
    }  # fmt: skip
    items = {item.item: item for item in estimate_plan(plan).items}
    assert items["EKS control plane"].monthly == pytest.approx(HOURS * usd("eksControlPlaneHour"))
    assert items["NAT gateways"].monthly == pytest.approx(
        2 * HOURS * usd("natGatewayHour") + 100 * usd("natGatewayGiB")
    )
    assert items["VPC interface endpoints"].monthly == pytest.approx(3 * HOURS * usd("interfaceEndpointHourPerAz"))
    assert items["System nodes"].monthly == pytest.approx(2 * HOURS * hourly("m5.large"))
    assert items["System nodes"].worst_case == pytest.approx(3 * HOURS * hourly("m5.large"))
    assert items["System node volumes"].monthly == pytest.approx(2 * 20 * usd("ebsGp3GiBMonth"))
    assert items["CloudWatch"].monthly == pytest.approx(
        10 * usd("cloudwatchLogsIngestedGiB") + 2 * usd("cloudwatchAlarmStandardMonth")
    )
    assert items["KMS keys"].monthly == pytest.approx(usd("kmsKeyMonth"))
    assert "WAF" not in items
    assert "Managed Prometheus" not in items


def test_baseline_packs_pods_onto_the_type_that_costs_least_in_total():
    """Three 1.5-core pods: m5.large allocates 1930m (one pod each, three nodes), m5.xlarge 3920m
    (two each, two nodes); three m5.large cost 3 x 0.096 < two m5.xlarge at 2 x 0.192."""
    pods = [Pod(f"p{i}", "w", Requests(1500, 1024)) for i in range(3)]
    instance, nodes, per_hour = baseline(pool(["m5.large", "m5.xlarge"]), pods, [], region_prices("us-east-1"), 0.0)
    assert (instance.name, nodes, per_hour) == ("m5.large", 3, hourly("m5.large"))


def test_a_pod_larger_than_every_allowed_type_is_an_error_not_a_free_node():
    with pytest.raises(ValueError, match="fits its largest pod"):
        baseline(pool(["m5.large"]), [Pod("big", "w", Requests(3000, 1024))], [], region_prices("us-east-1"), 0.0)


def test_spot_pools_are_priced_with_the_stated_discount():
    pods = [Pod("p", "w", Requests(500, 512))]
    _, _, per_hour = baseline(pool(["m5.large"], capacity="spot"), pods, [], region_prices("us-east-1"), 0.6)
    assert per_hour == pytest.approx(hourly("m5.large") * 0.4)


def test_worst_case_is_the_dearest_fleet_the_limits_admit():
    """Limits 16 cores / 32 GiB: c5.xlarge (4 vCPU, 8 GiB) fits 4 nodes, r5.large (2, 16 GiB) 2,
    m5.large (2, 8 GiB) 4."""
    instance, nodes, per_hour = worst_case(
        pool(["c5.xlarge", "r5.large", "m5.large"], "16", "32Gi"), region_prices("us-east-1"), 0.6
    )
    fleets = {
        "c5.xlarge": 4 * hourly("c5.xlarge"),
        "r5.large": 2 * hourly("r5.large"),
        "m5.large": 4 * hourly("m5.large"),
    }
    assert instance.name == max(fleets, key=lambda name: fleets[name])
    assert nodes * per_hour == pytest.approx(max(fleets.values()))


def test_a_type_larger_than_the_limits_is_never_launched():
    instance, nodes, _ = worst_case(pool(["m5.large", "m5.24xlarge"], "16", "64Gi"), region_prices("us-east-1"), 0.0)
    assert (instance.name, nodes) == ("m5.large", 8)


# --- the real stacks ---------------------------------------------------------------------------


def estimate(stack: str):
    return estimate_plan(graph(stack).plan)


def test_prod_costs_more_than_dev():
    assert estimate("prod").monthly > estimate("dev").monthly


def test_the_standby_costs_less_than_its_active_peer():
    assert estimate("prod-dr").monthly < estimate("prod").monthly


@pytest.mark.parametrize("stack", STACKS)
def test_the_worst_case_exceeds_the_baseline_and_every_karpenter_pool_is_priced(stack):
    result = estimate(stack)
    assert result.worst_case > result.monthly
    pools = {r["inputs"]["metadata"]["name"] for r in graph(stack).plan["resources"] if r["type"].endswith(":NodePool")}
    assert {item.item for item in result.items} >= {f"Karpenter pool {name}" for name in pools}


def test_every_price_figure_has_a_source_and_a_date():
    for region in RAW["regions"].values():
        for name, figure in region.items():
            assert figure["source"], name
            assert figure["date"], name


def test_targets_from_settings_are_reported_with_a_verdict():
    estimates = {stack: estimate(stack) for stack in STACKS}
    [(budget, held)] = target_lines(estimates["dev"], estimates)
    assert held == (estimates["dev"].monthly <= estimates["dev"].assumptions["monthlyBudgetUsd"])
    assert "budget" in budget
    [(share, _)] = target_lines(estimates["prod-dr"], estimates)
    percent = round(100 * estimates["prod-dr"].monthly / estimates["prod"].monthly)
    assert f"{percent}% of prod's" in share


@pytest.mark.parametrize("stack", STACKS)
def test_every_alb_is_priced_including_grafanas_from_its_chart(stack):
    """web's Ingress, plus Grafana's internal one the chart renders when settings ask for it."""
    plan = graph(stack).plan
    ingresses = sum(r["type"] == "kubernetes:networking.k8s.io/v1:Ingress" for r in plan["resources"])
    grafana = stack_config(stack)["eks-platform:observability"]["grafanaInternalIngress"]
    [albs] = [item for item in estimate(stack).items if item.item == "Application load balancers"]
    expected = ingresses + int(grafana)
    assert albs.monthly == pytest.approx(expected * HOURS * (usd("albHour") + usd("albLcuHour")))
