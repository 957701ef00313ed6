"""The harness calls every rule as pulumi_policy's own analyzer does: same argument objects, same
unknowns, same config and enforcement, same findings (checked against the analyzer servicer itself)."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_aws as aws
from google.protobuf import json_format, struct_pb2
from pulumi.runtime import proto
from pulumi_policy import EnforcementLevel
from pulumi_policy.policy import _PolicyAnalyzerServicer

from policy.harness import RecordedGraph, check_plan, enforcement_of, policy_config
from policy.pack import policies
from policy.stack_facts import pack_config
from tests.conftest import graph
from tests.policy_programs import PROTECTED, plan_of, rule

BAD_TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
)


def flawed_program() -> None:
    """A role without a source condition and an unencrypted, unrotated key: findings on both paths."""
    aws.iam.Role("loose", assume_role_policy=BAD_TRUST, tags={"environment": "test"})
    aws.kms.Key("plain", enable_key_rotation=False, description="case")
    aws.cloudwatch.LogGroup("forever", retention_in_days=0)


def analyzer(config: dict[str, Any]) -> _PolicyAnalyzerServicer:
    servicer = _PolicyAnalyzerServicer("eks-platform", "0.0.1", policies(), EnforcementLevel.ADVISORY)
    request = proto.ConfigureAnalyzerRequest()
    for name, properties in config.items():
        request.policyConfig[name].properties.update(properties)
    servicer.Configure(request, None)
    return servicer


def analyzer_findings(plan: dict[str, Any], config: dict[str, Any]) -> set[tuple[str, str, str]]:
    """(policy, urn, message) from the real servicer's Analyze and AnalyzeStack, given what the engine sends."""
    servicer, urns = analyzer(config), RecordedGraph(plan)._urns
    entries = {f"{entry['type']}::{entry['name']}": entry for entry in plan["resources"]}
    found: set[tuple[str, str, str]] = set()
    stack_request = proto.AnalyzeStackRequest()
    for ref, entry in entries.items():
        request = proto.AnalyzeRequest(
            type=entry["type"],
            properties=_struct(entry["inputs"]),
            urn=urns[ref],
            name=entry["name"],
            options=_options(entry, urns),
        )
        provider = entries.get(entry["provider"] or "")
        if provider:
            request.provider.CopyFrom(
                proto.AnalyzerProviderResource(
                    type=provider["type"],
                    properties=_struct(provider["inputs"]),
                    urn=urns[entry["provider"]],
                    name=provider["name"],
                )
            )
        for diagnostic in servicer.Analyze(request, None).diagnostics:
            found.add((diagnostic.policyName, urns[ref], diagnostic.message.split("\n", 1)[-1]))
        resource = proto.AnalyzerResource(
            type=entry["type"],
            properties=_struct(entry["inputs"]),
            urn=urns[ref],
            name=entry["name"],
            options=_options(entry, urns),
            parent=urns.get(entry["parent"] or "", ""),
            dependencies=[urns[d] for d in entry["dependencies"] if d in urns],
        )
        for key, refs in entry["propertyDependencies"].items():
            resource.propertyDependencies[key].urns.extend(urns[d] for d in refs if d in urns)
        stack_request.resources.append(resource)
    for diagnostic in servicer.AnalyzeStack(stack_request, None).diagnostics:
        found.add((diagnostic.policyName, diagnostic.urn, diagnostic.message.split("\n", 1)[-1]))
    return found


def _struct(inputs: dict[str, Any]) -> struct_pb2.Struct:
    return json_format.ParseDict(inputs, struct_pb2.Struct())


def _options(entry: dict[str, Any], urns: dict[str, str]) -> Any:
    return proto.AnalyzerResourceOptions(protect=entry["protect"], parent=urns.get(entry["parent"] or "", ""))


def harness_findings(plan: dict[str, Any], config: dict[str, Any]) -> set[tuple[str, str, str]]:
    recorded = RecordedGraph(plan)
    urns = {ref: resource.urn for ref, resource in recorded.by_ref.items()}
    return {(r.rule, urns.get(r.resource or "", ""), r.message) for r in check_plan(plan, policies(), config)}


def test_the_harness_reports_what_pulumi_policys_analyzer_reports() -> None:
    plan = plan_of(flawed_program)
    config = pack_config(policies(), PROTECTED)
    offline = harness_findings(plan, config)
    assert {rule for rule, _, _ in offline} >= {"iam-trust-policies-have-conditions", "kms-key-rotation"}
    assert offline == analyzer_findings(plan, config)


def test_a_real_stack_gets_the_same_verdict_on_both_paths() -> None:
    plan = graph("dev").plan
    config = pack_config(policies(), {"protectedStack": False, "requiredTags": ["environment"]})
    assert harness_findings(plan, config) == analyzer_findings(plan, config)


def test_urns_carry_the_parent_types_as_the_engine_writes_them() -> None:
    recorded = RecordedGraph(graph("prod").plan)
    cluster = recorded.by_ref["eks:index:Cluster::eks-platform-prod"]
    assert cluster.urn == (
        "urn:pulumi:prod::eks-platform::eks-platform:components:Cluster$eks:index:Cluster::eks-platform-prod"
    )
    assert cluster.parent is recorded.by_ref["eks-platform:components:Cluster::eks-platform-prod"]
    assert cluster.opts.protect is True
    assert cluster.provider is not None
    assert cluster.provider.resource_type == "pulumi:providers:aws"


def test_an_unknown_value_becomes_the_analyzers_advisory_not_a_pass_or_a_crash() -> None:
    def program() -> None:
        unknown: pulumi.Output[bool] = pulumi.Output(set(), _done(False), _done(False))
        aws.kms.Key("later", enable_key_rotation=unknown, description="case")

    [found] = check_plan(plan_of(program), [rule("kms-key-rotation")], {})
    assert found.enforcement == "advisory"
    assert "can't be known during preview" in found.message


def _done(value: Any) -> Any:
    import asyncio

    future = asyncio.get_event_loop().create_future()
    future.set_result(value)
    return future


def test_pack_config_sets_each_rules_properties_over_its_schema_defaults() -> None:
    endpoint = rule("eks-endpoint-not-internet-open")
    assert policy_config(endpoint, {}) == {"protectedStack": True}
    assert policy_config(endpoint, {endpoint.name: {"protectedStack": False}}) == {"protectedStack": False}


def test_pack_config_can_lower_or_disable_a_rule_as_the_cli_does() -> None:
    logs = rule("eks-control-plane-logs")
    assert enforcement_of(logs, {}) == EnforcementLevel.MANDATORY
    assert enforcement_of(logs, {logs.name: "advisory"}) == EnforcementLevel.ADVISORY
    assert enforcement_of(logs, {logs.name: {"enforcementLevel": "disabled"}}) == EnforcementLevel.DISABLED
    plan = plan_of(flawed_program)
    rotation = rule("kms-key-rotation")
    assert check_plan(plan, [rotation], {rotation.name: "disabled"}) == []
