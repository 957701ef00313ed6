"""Every Kubernetes object of every stack passes what the API server enforces beyond the OpenAPI schema.

test_kubernetes_validation.py checks the schema with kubernetes-validate. The rules in
tests/kubernetes_api_rules/ are the API server's hand-written validation, Pod Security admission
and the controllers that resolve references between objects. Each rule runs over every object of
every stack (one case per stack, object and rule), and each rule flags at least one small,
hand-built bad manifest (test_kubernetes_api_rules_negative.py, test_kubernetes_bad_values.py,
test_kubernetes_bad_objects.py), so a rule that can never fail shows up there. The grammars the
rules share are tested in test_kubernetes_grammars.py.

A real plan that breaks a rule is not hidden by weakening the rule: its single case is listed in
KNOWN_DEFECTS and expected to fail (strictly, so fixing the product makes the entry stale and fails).
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

import pytest

from components.kubernetes_objects import is_built_in
from offline_plan.manifests import kubernetes_objects
from tests import kubernetes_api_rules as rules
from tests.conftest import STACKS, graph

KNOWN_DEFECTS: dict[tuple[str, str, str], str] = {}


@cache
def plan_objects(stack: str) -> dict[str, dict[str, Any]]:
    return dict(kubernetes_objects(graph(stack).plan))


def _cases() -> list[Any]:
    cases = []
    for stack in STACKS:
        for name in plan_objects(stack):
            for rule in rules.RULES:
                reason = KNOWN_DEFECTS.get((stack, name, rule))
                marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
                cases.append(pytest.param(stack, name, rule, marks=marks, id=f"{stack}/{name}/{rule}"))
    return cases


@pytest.mark.parametrize(("stack", "name", "rule"), _cases())
def test_object_passes_the_api_servers_rule(stack, name, rule):
    objects = plan_objects(stack)
    assert rules.RULES[rule](objects[name], list(objects.values())) == []


def test_every_known_defect_names_a_real_case_and_says_defect():
    for (stack, name, rule), reason in KNOWN_DEFECTS.items():
        assert name in plan_objects(stack)
        assert rule in rules.RULES
        assert reason.startswith("DEFECT:")


# --- the rules reach what the plans declare (so a pass is not a skip) ---------------------------


@pytest.mark.parametrize("stack", STACKS)
def test_quantities_are_read_from_every_place_the_plans_declare_them(stack):
    paths = {
        (obj["kind"], path.split(".")[0])
        for obj in plan_objects(stack).values()
        for path, _value in rules.quantity_fields(obj)
    }
    with_containers = {kind for kind, root in paths if root.startswith("container ")}
    assert {"Deployment", "StatefulSet", "CronJob", "Job"} <= with_containers
    assert {("StatefulSet", "volumeClaimTemplates[data]"), ("Deployment", "volumes[tmp]")} <= paths
    assert {("ResourceQuota", "spec"), ("LimitRange", "spec"), ("NodePool", "spec"), ("EC2NodeClass", "spec")} <= paths


@pytest.mark.parametrize("stack", STACKS)
def test_the_restricted_profile_covers_every_tenant_workload(stack):
    objects = list(plan_objects(stack).values())
    checked = {
        (obj["kind"], obj["metadata"]["namespace"])
        for obj in objects
        if rules.pod_spec(obj) is not None and rules.enforced_level(obj, objects) == "restricted"
    }
    assert {("Deployment", "web"), ("StatefulSet", "mongodb"), ("Job", "mongodb"), ("CronJob", "batch")} <= checked


def test_a_named_target_port_of_a_real_service_is_resolved_not_skipped():
    objects = plan_objects("prod")
    service = copy.deepcopy(objects["service-web-web"])
    service["spec"]["ports"][0]["targetPort"] = "htpp"
    others = [obj for name, obj in objects.items() if name != "service-web-web"]
    assert rules.check_named_ports(service, [*others, service]) == [
        "spec.ports[http].targetPort 'htpp'/TCP is on no selected pod"
    ]


def test_the_web_budget_counts_the_hpa_minimum_not_the_default_replica_count():
    for stack, minimum in (("dev", 1), ("prod", 3)):
        objects = plan_objects(stack)
        allowed, why = rules.disruptions_allowed(objects["poddisruptionbudget-web-web"], list(objects.values()))
        assert (allowed, why.split(",")[0]) == (1, f"{minimum} expected pods")


def test_built_in_kinds_are_the_ones_the_program_declares_as_typed_resources():
    for api_version, kind in rules.BUILT_IN_KINDS:
        assert is_built_in({"apiVersion": api_version, "kind": kind}), kind
    for api_version, kind in rules.CUSTOM_KINDS:
        assert not is_built_in({"apiVersion": api_version, "kind": kind}), kind
