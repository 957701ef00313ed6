"""Graphs for policy tests: a small program of its own evaluated under the platform's mocks, or a
real stack after a settings change, never a recorded plan edited by hand."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from offline_plan.evaluate import evaluate_program
from offline_plan.plan_file import build_plan
from policy.harness import check_plan
from policy.pack import policies
from policy.results import PolicyResult
from policy.stack_facts import pack_config

PROTECTED = {"protectedStack": True, "requiredTags": ["environment", "owner"]}
UNPROTECTED = {"protectedStack": False, "requiredTags": ["environment", "owner"]}
TAGS = {"environment": "test", "owner": "platform-team"}


def plan_of(program: Callable[[], None], stack: str = "policy-case") -> dict[str, Any]:
    evaluation = evaluate_program(program, stack)
    assert evaluation.error is None, evaluation.error
    return build_plan(evaluation)


def rule(name: str) -> Any:
    matching = [policy for policy in policies() if policy.name == name]
    assert matching, f"no rule {name} in the pack"
    return matching[0]


def findings(plan: Mapping[str, Any], name: str, facts: Mapping[str, Any] = PROTECTED) -> list[PolicyResult]:
    """What one rule reports on the plan, called through the harness as the analyzer would call it."""
    chosen = [rule(name)]
    return check_plan(plan, chosen, pack_config(chosen, dict(facts)))


def findings_of_program(
    name: str, program: Callable[[], None], facts: Mapping[str, Any] = PROTECTED
) -> list[PolicyResult]:
    return findings(plan_of(program), name, facts)
