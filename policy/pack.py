"""The pack's rules, one module per concern; `__main__.py` serves them to `pulumi preview` and
`policy.check` applies the same objects to the offline plan."""

from __future__ import annotations

from importlib import import_module

from pulumi_policy import Policy

NAME = "eks-platform"
# One module per concern under policy/rules/; each exports POLICIES.
RULE_MODULES = (
    "control_plane",
    "nodes",
    "network",
    "buckets",
    "iam",
    "encryption",
    "tags",
    "karpenter",
    "protection",
    "edge",
    "kubernetes_platform",
)


def policies() -> list[Policy]:
    found: list[Policy] = []
    for module in RULE_MODULES:
        found.extend(import_module(f"policy.rules.{module}").POLICIES)
    return found
