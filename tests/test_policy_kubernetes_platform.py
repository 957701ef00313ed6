"""Namespace rules over small programs (Namespaces, NamespacePatches, NetworkPolicies), and over every
real stack."""

from __future__ import annotations

from typing import Any

import pulumi_kubernetes as k8s
import pytest

from offline_plan.evaluate import PROJECT_DIR
from offline_plan.stack_config import stack_settings
from policy.stack_facts import facts_of
from tests.conftest import STACKS, graph
from tests.policy_programs import findings, findings_of_program

POD_SECURITY = "namespaces-pod-security-enforced"
DEFAULT_DENY = "namespaces-default-deny"
ENFORCE = "pod-security.kubernetes.io/enforce"
DENY_ALL: dict[str, Any] = {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}


def namespace(name: str, level: str | None, patch: bool = False) -> Any:
    def program() -> None:
        labels = {ENFORCE: level} if level else {"team": "case"}
        kind = k8s.core.v1.NamespacePatch if patch else k8s.core.v1.Namespace
        kind("case", metadata={"name": name, "labels": labels})

    return program


def namespace_with_policy(spec: dict[str, Any], policy_namespace: str | None = "case") -> Any:
    def program() -> None:
        k8s.core.v1.Namespace("case", metadata={"name": "case", "labels": {ENFORCE: "restricted"}})
        metadata = {"name": "default-deny", **({"namespace": policy_namespace} if policy_namespace else {})}
        k8s.networking.v1.NetworkPolicy("case", metadata=metadata, spec=spec)

    return program


# --- namespaces-pod-security-enforced ---


@pytest.mark.parametrize(
    "program",
    [
        namespace("apps", "restricted"),
        namespace("apps", "baseline"),
        namespace("monitoring", "privileged"),
        namespace("kube-system", "privileged", patch=True),
        namespace("amazon-cloudwatch", "restricted", patch=True),
    ],
    ids=["restricted", "baseline", "add-on-namespace-privileged", "kube-system-patch", "patch-restricted"],
)
def test_enforced_namespaces_pass(program: Any) -> None:
    assert findings_of_program(POD_SECURITY, program) == []


@pytest.mark.parametrize(
    ("program", "named"),
    [
        (namespace("apps", "privileged"), "'privileged'"),
        (namespace("apps", None), "enforce None"),
        (namespace("default", "privileged", patch=True), "'default'"),
        (namespace("kube-system", None, patch=True), "enforce None"),
    ],
    ids=["privileged-tenant", "unlabelled", "patch-privileged-default", "patch-unlabelled-kube-system"],
)
def test_namespaces_not_enforcing_baseline_or_restricted_are_refused(program: Any, named: str) -> None:
    [found] = findings_of_program(POD_SECURITY, program)
    assert named in found.message
    assert "baseline or restricted" in found.message


def test_the_refusal_names_the_add_on_namespaces_that_may_be_privileged() -> None:
    [found] = findings_of_program(POD_SECURITY, namespace("apps", "privileged"))
    assert "kube-system" in found.message
    assert "velero" in found.message


# --- namespaces-default-deny ---


@pytest.mark.parametrize(
    "program",
    [
        namespace_with_policy(DENY_ALL),
        namespace_with_policy({"podSelector": {}}),
        namespace_with_policy({"podSelector": {"matchLabels": {}}, "policyTypes": ["Ingress"], "ingress": []}),
    ],
    ids=["ingress-and-egress", "policy-types-default-to-ingress", "empty-selector-and-rules"],
)
def test_a_namespace_denying_ingress_by_default_passes(program: Any) -> None:
    assert findings_of_program(DEFAULT_DENY, program) == []


@pytest.mark.parametrize(
    "program",
    [
        namespace("case", "restricted"),
        namespace_with_policy({"podSelector": {"matchLabels": {"app": "web"}}, "policyTypes": ["Ingress"]}),
        namespace_with_policy({"podSelector": {}, "policyTypes": ["Ingress"], "ingress": [{}]}),
        namespace_with_policy({"podSelector": {}, "policyTypes": ["Egress"]}),
        namespace_with_policy(DENY_ALL, policy_namespace="other"),
        namespace_with_policy(DENY_ALL, policy_namespace=None),
    ],
    ids=[
        "no-policy",
        "selects-some-pods",
        "allows-all-ingress",
        "egress-only",
        "other-namespace",
        "default-namespace",
    ],
)
def test_a_namespace_without_a_default_deny_is_refused(program: Any) -> None:
    [found] = findings_of_program(DEFAULT_DENY, program)
    assert "namespace 'case'" in found.message
    assert "podSelector {}" in found.message
    assert found.resource == "kubernetes:core/v1:Namespace::case"


def test_an_auto_named_namespace_is_matched_through_the_policys_dependency_on_it() -> None:
    def program() -> None:
        created = k8s.core.v1.Namespace("case", metadata={"labels": {ENFORCE: "restricted"}})
        k8s.networking.v1.NetworkPolicy("case", metadata={"namespace": created.metadata.name}, spec=DENY_ALL)
        k8s.core.v1.Namespace("bare", metadata={"labels": {ENFORCE: "restricted"}})

    [found] = findings_of_program(DEFAULT_DENY, program)
    assert found.resource == "kubernetes:core/v1:Namespace::bare"


# --- the real stacks ---


@pytest.mark.parametrize("stack", STACKS)
def test_every_stack_passes_pod_security_with_privileged_only_in_add_on_namespaces(stack: str) -> None:
    assert findings(graph(stack).plan, POD_SECURITY, facts_of(stack_settings(PROJECT_DIR, stack))) == []
    labelled = [
        entry["inputs"]["metadata"]
        for entry in graph(stack).resources
        if entry["type"] in ("kubernetes:core/v1:Namespace", "kubernetes:core/v1:NamespacePatch")
    ]
    # Not vacuous: the rule reads every namespace's label, and some are privileged by the exception.
    assert {"web", "kube-system", "monitoring"} <= {metadata["name"] for metadata in labelled}
    assert "privileged" in {metadata["labels"][ENFORCE] for metadata in labelled}


@pytest.mark.parametrize("stack", STACKS)
def test_every_stack_passes_default_deny(stack: str) -> None:
    assert findings(graph(stack).plan, DEFAULT_DENY, facts_of(stack_settings(PROJECT_DIR, stack))) == []


@pytest.mark.parametrize("stack", STACKS)
def test_the_workload_namespaces_deny_ingress_by_default(stack: str) -> None:
    """Not vacuous: the rule examines each namespace the stack creates and finds the tenants' default deny."""
    found = findings(graph(stack).plan, DEFAULT_DENY, facts_of(stack_settings(PROJECT_DIR, stack)))
    tenants = {f"kubernetes:core/v1:Namespace::namespace-{name}" for name in ("web", "mongodb", "batch")}
    assert tenants <= {f"kubernetes:core/v1:Namespace::{entry['name']}" for entry in graph(stack).resources}
    assert tenants.isdisjoint(result.resource for result in found)


def test_only_the_add_on_namespaces_listed_open_go_without_a_default_deny() -> None:
    def program() -> None:
        for name in ("monitoring", "velero", "tenant"):
            k8s.core.v1.Namespace(name, metadata={"name": name, "labels": {ENFORCE: "restricted"}})

    [found] = findings_of_program(DEFAULT_DENY, program)
    assert found.resource == "kubernetes:core/v1:Namespace::tenant"
