"""Calls the pack's rules on a recorded plan exactly as the policy analyzer calls them in `pulumi preview`.

The analyzer (pulumi_policy's servicer) builds a ResourceValidationArgs per resource and one
StackValidationArgs per stack, with unknown values behind its unknown-checking proxy and each
policy's own config. This module builds the same pulumi_policy objects from a plan's resources,
so a rule cannot tell the offline path from the preview path.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Iterable, Mapping
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyCustomTimeouts,
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.policy import _NotApplicableError
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, UnknownValueError, unknown_checking_proxy

from policy.results import ADVISORY, MANDATORY, PolicyResult

PLAN_UNKNOWN = "[unknown]"  # offline_plan.plan_file.UNKNOWN: a value the mocks could not know


def check_plan(
    plan: Mapping[str, Any], policies: Iterable[Policy], pack_config: Mapping[str, Any]
) -> list[PolicyResult]:
    """Every violation the policies report on the plan, resource rules first, then stack rules."""
    graph = RecordedGraph(plan)
    results: list[PolicyResult] = []
    for policy in policies:
        level = enforcement_of(policy, pack_config)
        if level == EnforcementLevel.DISABLED:
            continue
        config = policy_config(policy, pack_config)
        if isinstance(policy, ResourceValidationPolicy):
            for resource in graph.resources:
                args = ResourceValidationArgs(
                    resource.resource_type,
                    resource.props,
                    resource.urn,
                    resource.name,
                    resource.opts,
                    resource.provider,
                    config,
                )
                results.extend(_run(policy, level, args, graph))
        elif isinstance(policy, StackValidationPolicy):
            results.extend(_run(policy, level, StackValidationArgs(graph.resources, config), graph))
    return results


def enforcement_of(policy: Policy, pack_config: Mapping[str, Any]) -> EnforcementLevel:
    """The level the pack config gives the policy, else its own, else advisory (the analyzer's order)."""
    configured = pack_config.get(policy.name)
    if isinstance(configured, str):
        return EnforcementLevel(configured)
    if isinstance(configured, Mapping) and "enforcementLevel" in configured:
        return EnforcementLevel(configured["enforcementLevel"])
    return policy.enforcement_level or EnforcementLevel.ADVISORY


def policy_config(policy: Policy, pack_config: Mapping[str, Any]) -> dict[str, Any]:
    """The policy's properties from the pack config, over its schema's defaults (as the CLI fills them)."""
    schema = policy.config_schema.properties if policy.config_schema else {}
    config = {key: spec["default"] for key, spec in schema.items() if "default" in spec}
    configured = pack_config.get(policy.name)
    if isinstance(configured, Mapping):
        config.update({key: value for key, value in configured.items() if key != "enforcementLevel"})
    return config


def _run(
    policy: ResourceValidationPolicy | StackValidationPolicy, level: EnforcementLevel, args: Any, graph: RecordedGraph
) -> list[PolicyResult]:
    found: list[PolicyResult] = []
    enforcement = MANDATORY if level in (EnforcementLevel.MANDATORY, EnforcementLevel.REMEDIATE) else ADVISORY

    def report_violation(message: str, urn: str | None = None) -> None:
        subject = graph.ref_of(urn) if urn else graph.ref_of(getattr(args, "urn", None))
        found.append(PolicyResult(policy.name, enforcement, subject, message, "crossguard"))

    try:
        outcome = policy.validate(args, report_violation)
        if inspect.isawaitable(outcome):
            asyncio.run(_awaited(outcome))
    except UnknownValueError as unknown:
        # The analyzer turns this into an advisory "can't run policy during preview".
        found.append(
            PolicyResult(policy.name, ADVISORY, graph.ref_of(getattr(args, "urn", None)), unknown.message, "crossguard")
        )
    except _NotApplicableError:
        pass
    return found


async def _awaited(outcome: Any) -> None:
    await outcome


class RecordedGraph:
    """The plan's resources as the pulumi_policy objects the analyzer would hand a rule."""

    def __init__(self, plan: Mapping[str, Any]) -> None:
        self.stack = plan["stack"]
        self.project = plan["project"]
        entries = {f"{entry['type']}::{entry['name']}": entry for entry in plan["resources"]}
        self._urns = {ref: self._urn(ref, entries) for ref in entries}
        self._refs = {urn: ref for ref, urn in self._urns.items()}
        providers = {ref: self._provider(ref, entry) for ref, entry in entries.items() if _is_provider(entry)}
        self.by_ref = {ref: self._resource(ref, entry, providers) for ref, entry in entries.items()}
        for ref, entry in entries.items():
            self._link(self.by_ref[ref], entry)
        self.resources: list[PolicyResource] = list(self.by_ref.values())

    def ref_of(self, urn: str | None) -> str | None:
        return self._refs.get(urn, urn) if urn else None

    def _urn(self, ref: str, entries: Mapping[str, Mapping[str, Any]]) -> str:
        """urn:pulumi:<stack>::<project>::<parent types joined by $>::<name>, as the engine writes it."""
        types = []
        current = ref
        while current in entries:
            types.append(entries[current]["type"])
            current = entries[current]["parent"] or ""
        name = entries[ref]["name"]
        return f"urn:pulumi:{self.stack}::{self.project}::{'$'.join(reversed(types))}::{name}"

    def _provider(self, ref: str, entry: Mapping[str, Any]) -> PolicyProviderResource:
        return PolicyProviderResource(entry["type"], _props(entry["inputs"]), self._urns[ref], entry["name"])

    def _resource(
        self, ref: str, entry: Mapping[str, Any], providers: Mapping[str, PolicyProviderResource]
    ) -> PolicyResource:
        parent = entry.get("parent")
        opts = PolicyResourceOptions(
            protect=bool(entry.get("protect")),
            ignore_changes=[],
            delete_before_replace=None,
            aliases=[],
            custom_timeouts=PolicyCustomTimeouts(0, 0, 0),
            additional_secret_outputs=[],
            parent=self._urns.get(parent) if parent else None,
        )
        provider = providers.get(entry.get("provider") or "")
        return PolicyResource(
            entry["type"], _props(entry["inputs"]), self._urns[ref], entry["name"], opts, provider, None, [], {}
        )

    def _link(self, resource: PolicyResource, entry: Mapping[str, Any]) -> None:
        resource.parent = self.by_ref.get(entry.get("parent") or "")
        resource.dependencies = [self.by_ref[ref] for ref in entry.get("dependencies", []) if ref in self.by_ref]
        resource.property_dependencies = {
            key: [self.by_ref[ref] for ref in refs if ref in self.by_ref]
            for key, refs in entry.get("propertyDependencies", {}).items()
        }


def _is_provider(entry: Mapping[str, Any]) -> bool:
    return str(entry["type"]).startswith("pulumi:providers:")


def _props(inputs: Mapping[str, Any]) -> Any:
    """Inputs behind the analyzer's proxy, as the analyzer deserializes them."""
    return unknown_checking_proxy(_with_sentinels(dict(inputs)))


def _with_sentinels(value: Any) -> Any:
    """Unknowns as the engine's sentinels, and numbers as floats: the analyzer receives properties as
    a protobuf Struct, whose only number is a double (the plan writes integral numbers as ints)."""
    if value == PLAN_UNKNOWN:
        return UNKNOWN_STRING_VALUE
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, dict):
        return {key: _with_sentinels(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_with_sentinels(item) for item in value]
    return value
