"""Karpenter NodePool rules over small programs (a NodePool custom resource), and over every real stack."""

from __future__ import annotations

from typing import Any

import pulumi_kubernetes as k8s
import pytest

from offline_plan.evaluate import PROJECT_DIR
from offline_plan.stack_config import stack_settings
from policy.stack_facts import facts_of
from tests.conftest import STACKS, graph
from tests.policy_programs import findings, findings_of_program

LIMITS = "nodepool-limits"
DRAINS = "nodepool-drains-end"
NODE_POOL = "kubernetes:karpenter.sh/v1:NodePool"


def node_pool(limits: dict[str, str] | None = None, **node_spec: Any) -> Any:
    """A NodePool as the platform declares one; `node_spec` replaces template.spec fields (None drops one)."""

    def program() -> None:
        template_spec: dict[str, Any] = {
            "nodeClassRef": {"group": "karpenter.k8s.aws", "kind": "EC2NodeClass", "name": "default"},
            "requirements": [{"key": "kubernetes.io/os", "operator": "In", "values": ["linux"]}],
            "expireAfter": "720h",
            "terminationGracePeriod": "24h",
        }
        template_spec.update(node_spec)
        spec = {
            "template": {"spec": {key: value for key, value in template_spec.items() if value is not None}},
            "limits": {"cpu": "64", "memory": "256Gi"} if limits is None else limits,
        }
        k8s.apiextensions.CustomResource(
            "case", api_version="karpenter.sh/v1", kind="NodePool", metadata={"name": "case"}, spec=spec
        )

    return program


def test_a_bounded_node_pool_with_ending_drains_passes() -> None:
    assert findings_of_program(LIMITS, node_pool()) == []
    assert findings_of_program(DRAINS, node_pool()) == []


@pytest.mark.parametrize(
    ("limits", "named"),
    [({}, "no cpu or memory"), ({"cpu": "64"}, "no memory"), ({"memory": "256Gi"}, "no cpu")],
    ids=["none", "cpu-only", "memory-only"],
)
def test_a_node_pool_without_cpu_and_memory_limits_is_refused(limits: dict[str, str], named: str) -> None:
    [found] = findings_of_program(LIMITS, node_pool(limits))
    assert named in found.message
    assert found.enforcement == "mandatory"


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"terminationGracePeriod": None}, "terminationGracePeriod is None"),
        ({"expireAfter": None}, "expireAfter is None"),
        ({"expireAfter": "Never"}, "expireAfter is 'Never'"),
    ],
    ids=["no-grace-period", "no-expiry", "never-expires"],
)
def test_a_node_pool_whose_drains_may_not_end_is_advised(change: dict[str, Any], named: str) -> None:
    [found] = findings_of_program(DRAINS, node_pool(**change))
    assert named in found.message
    assert found.enforcement == "advisory"


@pytest.mark.parametrize("stack", STACKS)
def test_every_stacks_node_pools_pass(stack: str) -> None:
    facts = facts_of(stack_settings(PROJECT_DIR, stack))
    assert findings(graph(stack).plan, LIMITS, facts) == []
    assert findings(graph(stack).plan, DRAINS, facts) == []
    pools = graph(stack).of_type(NODE_POOL)
    assert pools  # not vacuous: Karpenter's pools are in every stack, with the fields the rules read
    assert all(pool["inputs"]["spec"]["limits"]["memory"] for pool in pools)
    assert all(pool["inputs"]["spec"]["template"]["spec"]["terminationGracePeriod"] for pool in pools)
