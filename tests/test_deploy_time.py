"""Predicted `pulumi up` time: the critical path through the dependency graph, weighted by the
typical times in deploy_time/data/durations.yaml, and the engine's bounded parallelism."""

from __future__ import annotations

import pytest
import yaml

from deploy_time import schedule_plan
from deploy_time.durations import DURATIONS, seconds_for
from difference import compare_plans
from review.promotion import promotion
from review.stack_review import review_stack
from tests.conftest import STACKS, dev_with_another_vpc_cidr, graph, plan_with, promoted

SECONDS = {"a": 100.0, "b": 200.0, "c": 50.0, "inner": 30.0, "after": 10.0}


def node(
    name: str,
    deps: tuple[str, ...] = (),
    explicit: tuple[str, ...] = (),
    parent: str | None = None,
    custom: bool = True,
) -> dict:
    return {
        "type": "t:m:T" if custom else "t:m:Component", "name": name, "parent": parent, "custom": custom,
        "dependencies": list(deps), "dependsOn": list(explicit), "protect": False, "inputs": {}, "aliases": [],
    }  # fmt: skip


def hand_built() -> dict:
    """a -> b (explicit dependsOn); c alone; `after` depends on a component whose child is `inner`."""
    return {"stack": "t", "outputs": {}, "resources": [
        node("a"), node("b", ("t:m:T::a",), ("t:m:T::a",)), node("c"),
        node("group", custom=False), node("inner", parent="t:m:Component::group"),
        node("after", ("t:m:Component::group",)),
    ]}  # fmt: skip


def by_name(resource: dict) -> float:
    return SECONDS.get(resource["name"], 0.0)


def test_the_critical_path_is_the_longest_chain_with_its_explicit_edges():
    schedule = schedule_plan(hand_built(), by_name, parallelism=16)
    assert schedule.critical_path_seconds == 300
    assert schedule.total_seconds == 300
    assert [step.ref for step in schedule.path] == ["t:m:T::a", "t:m:T::b"]
    assert schedule.explicit_edges == [("t:m:T::a", "t:m:T::b")]


def test_a_dependency_on_a_component_waits_for_its_children():
    """`after` (10 s) starts when `inner` (30 s) is done: 40 s, not 10 s."""
    plan = hand_built()
    plan["resources"] = [r for r in plan["resources"] if r["name"] in ("group", "inner", "after")]
    assert schedule_plan(plan, by_name, parallelism=16).critical_path_seconds == 40


def test_parallelism_bounds_the_run():
    """One operation at a time: every resource in turn, 390 s."""
    assert schedule_plan(hand_built(), by_name, parallelism=1).total_seconds == sum(SECONDS.values())


def test_every_declared_type_has_a_duration_with_a_source():
    table = yaml.safe_load(DURATIONS.read_text())
    declared = {r["type"] for stack in STACKS for r in graph(stack).plan["resources"]}
    assert declared <= set(table["types"])
    assert all(entry["source"] for entry in table["types"].values())


def test_the_published_eks_figures_are_the_ones_used():
    """rain's forecast table (aws-cloudformation/rain): EKS cluster 544 s, node group 160 s, NAT gateway 106 s."""
    assert seconds_for({"type": "eks:index:Cluster", "name": "x", "inputs": {}}, "create") == 544
    assert seconds_for({"type": "eks:index:ManagedNodeGroup", "name": "x", "inputs": {}}, "create") == 160
    assert seconds_for({"type": "aws:ec2/natGateway:NatGateway", "name": "x", "inputs": {}}, "create") == 106


@pytest.mark.parametrize("stack", STACKS)
def test_from_empty_the_cluster_then_its_nodes_are_on_the_critical_path(stack):
    schedule = schedule_plan(graph(stack).plan)
    kinds = [step.ref.split("::")[0] for step in schedule.path]
    assert kinds.index("eks:index:Cluster") < kinds.index("eks:index:ManagedNodeGroup")
    assert schedule.total_seconds >= 544 + 160


def test_an_update_takes_only_the_changed_resources_time():
    changed = dev_with_another_vpc_cidr()
    review = review_stack("dev", graph("dev").plan, changed.plan)
    assert review.update is not None
    vpc = {"type": "aws:ec2/vpc:Vpc", "name": "v", "inputs": {}}
    # The VPC is replaced, so it is created anew; nothing else of the stack's 20 minutes runs.
    assert seconds_for(vpc, "create") <= review.update.total_seconds < schedule_plan(changed.plan).total_seconds / 4


def test_no_change_takes_no_time():
    review = review_stack("prod", graph("prod").plan, graph("prod").plan)
    assert review.update is not None
    assert review.update.total_seconds == 0


def test_the_standby_promotion_is_modeled_against_its_rto():
    modeled = promotion(graph("prod-dr").plan)
    assert modeled is not None
    changed = compare_plans(graph("prod-dr").plan, promoted("prod-dr").plan)
    assert modeled.changed == len(changed.changed) + len(changed.added) > 0
    assert modeled.seconds == modeled.update.total_seconds + 60 + 90  # dnsTtlSeconds + failoverDetectionSeconds
    assert modeled.holds


def test_an_rto_shorter_than_the_promotion_does_not_hold():
    tight = plan_with("prod-dr", lambda config: config["eks-platform:review"].update(rtoMinutes=1))
    modeled = promotion(tight.plan)
    assert modeled is not None
    assert not modeled.holds
    assert "DOES NOT HOLD" in modeled.line()


def test_an_active_stack_has_no_promotion():
    assert promotion(graph("prod").plan) is None
