"""The admission rules of rules.yaml as ValidatingAdmissionPolicies and their bindings. Pure: no Pulumi."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from addons.admission.selection import (
    POD_OWNING_RESOURCES,
    SERVICE_RESOURCES,
    resource_rules,
    workload_namespaces,
)

RULES_FILE = Path(__file__).parent / "rules.yaml"
API_VERSION = "admissionregistration.k8s.io/v1"
POLICY_PREFIX = "eks-platform-"
# Deny refuses the request. Audit also writes the failure (policy, binding, expression) as an
# annotation on the request's audit event, which the cluster's audit log carries to CloudWatch Logs.
VALIDATION_ACTIONS = ["Deny", "Audit"]
# What the policies see; services are bound cluster-wide (no namespace selector).
TARGETS: dict[str, tuple[tuple[tuple[str, str, str], ...], dict[str, Any] | None]] = {
    "workloads": (POD_OWNING_RESOURCES, workload_namespaces()),
    "services": (SERVICE_RESOURCES, None),
}


@dataclass(frozen=True)
class PolicyParameters:
    """The per-stack values the rules read as `variables.<name>`."""

    # Image reference prefixes, each a registry host followed by '/'.
    allowed_registries: tuple[str, ...]
    # Namespaces where a Service may be of type LoadBalancer.
    load_balancer_namespaces: tuple[str, ...] = ()

    def variables(self) -> dict[str, str]:
        return {
            "allowedRegistries": cel_list(self.allowed_registries),
            "loadBalancerNamespaces": cel_list(self.load_balancer_namespaces),
        }


def registry_prefixes(hosts: Iterable[str]) -> tuple[str, ...]:
    """'host/' for each host, so `host.example.net/` does not pass for `host/`."""
    return tuple(f"{host.rstrip('/')}/" for host in hosts)


def cel_list(values: Iterable[str]) -> str:
    """A CEL list of string literals (JSON string escapes are CEL's)."""
    return "[" + ", ".join(json.dumps(value) for value in values) + "]"


def load_rules(path: Path = RULES_FILE) -> dict[str, Any]:
    document = yaml.safe_load(path.read_text())
    for rule in document["rules"]:
        if rule["applies_to"] not in TARGETS:
            raise ValueError(f"{path.name}: rule {rule['name']!r} applies to unknown {rule['applies_to']!r}")
        if not rule.get("validations"):
            raise ValueError(f"{path.name}: rule {rule['name']!r} has no validations")
    return dict(document)


def admission_manifests(
    parameters: PolicyParameters, path: Path = RULES_FILE
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(policy, binding) for each rule, in the data file's order."""
    document = load_rules(path)
    shared = {"workloads": document.get("workload_variables", []), "services": []}
    return [(_policy(rule, shared[rule["applies_to"]], parameters), _binding(rule)) for rule in document["rules"]]


def policy_name(rule: dict[str, Any]) -> str:
    return f"{POLICY_PREFIX}{rule['name']}"


def _metadata(rule: dict[str, Any]) -> dict[str, Any]:
    return {"name": policy_name(rule), "labels": {"app.kubernetes.io/part-of": "eks-platform"}}


def _policy(rule: dict[str, Any], shared: list[dict[str, str]], parameters: PolicyParameters) -> dict[str, Any]:
    supplied = parameters.variables()
    unknown = set(rule.get("parameters", [])) - set(supplied)
    if unknown:
        raise ValueError(f"rule {rule['name']!r} reads parameters the program does not supply: {sorted(unknown)}")
    variables = [{"name": name, "expression": supplied[name]} for name in rule.get("parameters", [])]
    resources, _namespaces = TARGETS[rule["applies_to"]]
    return {
        "apiVersion": API_VERSION,
        "kind": "ValidatingAdmissionPolicy",
        "metadata": _metadata(rule),
        "spec": {
            # An expression that cannot be evaluated refuses the request rather than letting it through.
            "failurePolicy": "Fail",
            "matchConstraints": {"resourceRules": resource_rules(resources)},
            "variables": [*variables, *shared, *rule.get("variables", [])],
            "validations": rule["validations"],
        },
    }


def _binding(rule: dict[str, Any]) -> dict[str, Any]:
    _resources, namespaces = TARGETS[rule["applies_to"]]
    spec: dict[str, Any] = {"policyName": policy_name(rule), "validationActions": VALIDATION_ACTIONS}
    if namespaces is not None:
        spec["matchResources"] = {"namespaceSelector": namespaces}
    return {
        "apiVersion": API_VERSION,
        "kind": "ValidatingAdmissionPolicyBinding",
        "metadata": _metadata(rule),
        "spec": spec,
    }
