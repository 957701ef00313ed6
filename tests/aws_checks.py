"""What the tests/test_aws_*.py modules share: the known-defect list, and reading a stack's graph.

The policy documents a graph declares (identity, resource and trust policies) are read here, since
both the IAM catalogue and the IAM grammar check them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from tests.conftest import graph
from tests.graph import Graph, ref

# (check, stack, subject) -> "DEFECT: ..." for a real stack violating a check. The main test of
# the check skips exactly that finding; test_known_defects_are_still_present is a strict xfail per
# entry, so it turns into a failure (and the entry must go) once the product code is fixed.
KNOWN_DEFECTS: dict[tuple[str, str, str], str] = {}


def open_findings(check: str, stack: str, findings: dict[str, list[str]]) -> dict[str, list[str]]:
    return {subject: problems for subject, problems in findings.items() if (check, stack, subject) not in KNOWN_DEFECTS}


# ======================================================================================
# Shared helpers
# ======================================================================================


def strings_in(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def aws_provider(g: Graph, resource: dict[str, Any]) -> dict[str, Any] | None:
    provider = resource.get("provider") or ""
    return g.by_ref(provider) if provider.startswith("pulumi:providers:aws::") else None


def stack_region(g: Graph) -> str:
    return str(g.one("pulumi:providers:aws")["inputs"]["region"])


# ======================================================================================
# Policy documents of the graph
# ======================================================================================

IDENTITY, RESOURCE, TRUST = "identity", "resource", "trust"
POLICY_FIELDS: dict[tuple[str, str], str] = {
    ("aws:iam/policy:Policy", "policy"): IDENTITY,
    ("aws:iam/rolePolicy:RolePolicy", "policy"): IDENTITY,
    ("aws:iam/userPolicy:UserPolicy", "policy"): IDENTITY,
    ("aws:iam/groupPolicy:GroupPolicy", "policy"): IDENTITY,
    ("aws:iam/role:Role", "inlinePolicies"): IDENTITY,
    ("aws:kms/key:Key", "policy"): RESOURCE,
    ("aws:sqs/queue:Queue", "policy"): RESOURCE,
    ("aws:sqs/queuePolicy:QueuePolicy", "policy"): RESOURCE,
    ("aws:s3/bucketPolicy:BucketPolicy", "policy"): RESOURCE,
    ("aws:sns/topic:Topic", "policy"): RESOURCE,
    ("aws:sns/topicPolicy:TopicPolicy", "policy"): RESOURCE,
    ("aws:iam/role:Role", "assumeRolePolicy"): TRUST,
}


def decode_policy(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def policy_documents(resources: list[dict[str, Any]]) -> Iterator[tuple[str, str, Any]]:
    """(subject, kind, document) for every policy document the resources declare."""
    for resource in resources:
        for (typ, input_name), kind in POLICY_FIELDS.items():
            value = resource["inputs"].get(input_name) if resource["type"] == typ else None
            if value is None or value == "[unknown]":
                continue
            if input_name == "inlinePolicies":
                for index, inline in enumerate(value):
                    yield f"{ref(resource)}.inlinePolicies[{index}]", kind, decode_policy(inline["policy"])
            else:
                yield f"{ref(resource)}.{input_name}", kind, decode_policy(value)


def policy_like_inputs(resource: dict[str, Any]) -> set[str]:
    """Top-level inputs holding something that looks like a policy document (a JSON object with Statement)."""
    found = set()
    for input_name, value in resource["inputs"].items():
        for text in strings_in(value):
            if text.lstrip().startswith("{"):
                try:
                    decoded = json.loads(text)
                except ValueError:
                    continue
                if isinstance(decoded, dict) and "Statement" in decoded:
                    found.add(input_name)
        if isinstance(value, dict) and "Statement" in value:
            found.add(input_name)
    return found


def unchecked_policy_inputs(resources: list[dict[str, Any]]) -> set[tuple[str, str]]:
    return {
        (resource["type"], input_name)
        for resource in resources
        for input_name in policy_like_inputs(resource)
        if (resource["type"], input_name) not in POLICY_FIELDS
    }


def all_policy_documents(stack: str) -> list[tuple[str, str, Any]]:
    return list(policy_documents(graph(stack).resources))


def statements(document: Any) -> list[Any]:
    found = document.get("Statement") if isinstance(document, dict) else None
    return found if isinstance(found, list) else [found] if isinstance(found, dict) else []


def label(index: int, statement: dict[str, Any]) -> str:
    return str(statement.get("Sid") or f"Statement[{index}]")
