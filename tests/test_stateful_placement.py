"""Pods that hold state run on on-demand capacity that is not consolidated under them; every
dedicated NodePool has a workload that may use it."""

from __future__ import annotations

from typing import Any

from addons.karpenter.manifests import DEDICATED_KEY, POOL_LABEL
from offline_plan.manifests import kubernetes_objects
from tests.stack_files import stack_config

NODE_POOL = "kubernetes:karpenter.sh/v1:NodePool"
RELEASE = "kubernetes:helm.sh/v3:Release"
CAPACITY_TYPE = "karpenter.sh/capacity-type"


def pools(stack) -> dict[str, dict[str, Any]]:
    return {p["inputs"]["metadata"]["name"]: p["inputs"]["spec"] for p in stack.of_type(NODE_POOL)}


def requirement(pool: dict[str, Any], key: str) -> set[str]:
    (found,) = [r for r in pool["template"]["spec"]["requirements"] if r["key"] == key]
    return set(found["values"])


def tolerated(pod: dict[str, Any], pool: dict[str, Any]) -> bool:
    """Kubernetes' toleration matching for the pool's taints (all must be tolerated)."""
    tolerations = pod.get("tolerations", [])

    def matches(taint: dict[str, Any], toleration: dict[str, Any]) -> bool:
        same_key = (
            toleration.get("key") in (None, taint["key"])
            if toleration.get("operator") == "Exists"
            else (toleration.get("key") == taint["key"] and toleration.get("value") == taint.get("value"))
        )
        return same_key and toleration.get("effect") in (None, taint["effect"])

    return all(any(matches(t, tol) for tol in tolerations) for t in pool["template"]["spec"].get("taints", []))


def pools_a_pod_can_use(pod: dict[str, Any], stack) -> dict[str, set[str]]:
    """Each pool the pod may land on, with the capacity types it could get there."""
    selector = pod.get("nodeSelector", {})
    usable = {}
    for name, pool in pools(stack).items():
        if selector.get(POOL_LABEL, name) != name or not tolerated(pod, pool):
            continue
        capacity = requirement(pool, CAPACITY_TYPE)
        if CAPACITY_TYPE in selector:
            capacity &= {selector[CAPACITY_TYPE]}
        if capacity:
            usable[name] = capacity
    return usable


def stateful_pod_specs(stack) -> dict[str, dict[str, Any]]:
    """StatefulSets the plan declares, and those the Prometheus operator creates from chart values."""
    specs = {
        name: obj["spec"]["template"]["spec"]
        for name, obj in kubernetes_objects(stack.plan)
        if obj["kind"] == "StatefulSet"
    }
    values = stack.one(RELEASE, "kube-prometheus-stack")["inputs"]["values"]
    specs["prometheus"] = values["prometheus"]["prometheusSpec"]
    specs["alertmanager"] = values["alertmanager"]["alertmanagerSpec"]
    return specs


def test_no_stateful_pod_can_land_on_spot(any_stack):
    for name, pod in stateful_pod_specs(any_stack).items():
        usable = pools_a_pod_can_use(pod, any_stack)
        assert usable, f"{name} fits no NodePool"
        assert all(capacity == {"on-demand"} for capacity in usable.values()), f"{name}: {usable}"


def test_prod_databases_use_the_stateful_pool_that_is_only_consolidated_when_empty(prod):
    pool_name = stack_config("prod")["eks-platform:karpenter"]["statefulNodePool"]
    for name, pod in stateful_pod_specs(prod).items():
        assert set(pools_a_pod_can_use(pod, prod)) == {pool_name}, name
    assert pools(prod)[pool_name]["disruption"]["consolidationPolicy"] == "WhenEmpty"


def test_every_dedicated_pool_has_a_workload_that_tolerates_it(any_stack):
    dedicated = {name for name, pool in pools(any_stack).items() if pool["template"]["spec"].get("taints")}
    used = {name for pod in stateful_pod_specs(any_stack).values() for name in pools_a_pod_can_use(pod, any_stack)}
    assert dedicated <= used
    for name in dedicated:
        (taint,) = pools(any_stack)[name]["template"]["spec"]["taints"]
        assert taint["key"] == DEDICATED_KEY


def test_database_members_are_not_disrupted_voluntarily_and_go_first(any_stack):
    (members,) = [obj for _, obj in kubernetes_objects(any_stack.plan) if obj["kind"] == "StatefulSet"]
    template = members["spec"]["template"]
    assert template["metadata"]["annotations"]["karpenter.sh/do-not-disrupt"] == "true"
    priority = template["spec"]["priorityClassName"]
    (declared,) = [obj for _, obj in kubernetes_objects(any_stack.plan) if obj["kind"] == "PriorityClass"]
    assert declared["metadata"]["name"] == priority
    assert declared["value"] > 0


def test_every_node_pool_bounds_how_long_a_blocked_drain_may_last(any_stack):
    # Without it a PDB or a do-not-disrupt pod holds an expired node forever.
    for name, pool in pools(any_stack).items():
        grace = pool["template"]["spec"]["terminationGracePeriod"]
        assert grace.endswith("h"), name
        assert 1 <= int(grace[:-1]) <= 48, name
