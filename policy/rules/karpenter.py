"""Karpenter NodePools (karpenter.sh/v1): bounded growth, and node drains that end.

Offline and in a real preview a NodePool is the custom resource's inputs: apiVersion, kind, metadata, spec.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import EnforcementLevel, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy

NODE_POOL = "kubernetes:karpenter.sh/v1:NodePool"
LIMITED_RESOURCES = ("cpu", "memory")


def _spec(args: ResourceValidationArgs) -> Mapping[str, Any]:
    return args.props.get("spec") or {}


def _limits(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != NODE_POOL:
        return
    limits = _spec(args).get("limits") or {}
    missing = [resource for resource in LIMITED_RESOURCES if not limits.get(resource)]
    if missing:
        # Without a limit a runaway Deployment (or a pending-pod storm) launches nodes without end.
        report(
            f"spec.limits sets no {' or '.join(missing)} (has {dict(limits)!r}): both cpu and memory are required", None
        )


def _drains_end(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != NODE_POOL:
        return
    node_spec = (_spec(args).get("template") or {}).get("spec") or {}
    # terminationGracePeriod bounds a drain a PodDisruptionBudget blocks; expireAfter makes every node
    # (and so every such drain) come round, so patched AMIs reach the whole pool.
    grace, expiry = node_spec.get("terminationGracePeriod"), node_spec.get("expireAfter")
    if not grace:
        report(f"spec.template.spec.terminationGracePeriod is {grace!r}: set a duration so blocked drains end", None)
    if not expiry or expiry == "Never":
        report(
            f"spec.template.spec.expireAfter is {expiry!r}: set a duration (not Never) so every node is replaced", None
        )


POLICIES = [
    ResourceValidationPolicy(
        name="nodepool-limits",
        description="Every Karpenter NodePool caps the cpu and memory it may launch.",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=_limits,
    ),
    ResourceValidationPolicy(
        name="nodepool-drains-end",
        description="Karpenter NodePools set terminationGracePeriod and expireAfter, so drains a PDB blocks end.",
        enforcement_level=EnforcementLevel.ADVISORY,
        validate=_drains_end,
    ),
]
