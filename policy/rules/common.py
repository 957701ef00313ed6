"""Reading the shapes rules share: IAM documents, tags, resources of a type, linked resources."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from pulumi_policy import PolicyResource, StackValidationArgs


def of_type(args: StackValidationArgs, *types: str) -> Iterator[PolicyResource]:
    return (resource for resource in args.resources if resource.resource_type in types)


def as_list(value: Any) -> list[Any]:
    """A list whatever arrived: one item, a list, or the analyzer's proxy of a list."""
    if value is None:
        return []
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        return [value]
    return list(value)


def json_value(value: Any) -> Any:
    """Documents arrive as JSON text (aws policies, provider config) or already decoded."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return None
    return value


def statements(document: Any) -> list[Mapping[str, Any]]:
    """A policy document's statements, each a mapping, whatever form the document took."""
    decoded = json_value(document)
    if not isinstance(decoded, Mapping):
        return []
    return [statement for statement in as_list(decoded.get("Statement")) if isinstance(statement, Mapping)]


def allows(statement: Mapping[str, Any]) -> bool:
    return statement.get("Effect") == "Allow"


def actions(statement: Mapping[str, Any]) -> list[str]:
    return [str(action) for action in as_list(statement.get("Action"))]


def resources(statement: Mapping[str, Any]) -> list[str]:
    return [str(resource) for resource in as_list(statement.get("Resource"))]


def service_principals(statement: Mapping[str, Any]) -> list[str]:
    principal = statement.get("Principal")
    if not isinstance(principal, Mapping):
        return []
    return [str(service) for service in as_list(principal.get("Service"))]


def condition_keys(statement: Mapping[str, Any]) -> set[str]:
    """Condition keys in lower case (IAM compares them case-insensitively)."""
    condition = statement.get("Condition")
    if not isinstance(condition, Mapping):
        return set()
    return {key.lower() for operator in condition.values() if isinstance(operator, Mapping) for key in operator}


def linked(resource: PolicyResource, key: str, candidates: list[PolicyResource]) -> PolicyResource | None:
    """The resource whose output feeds `resource`'s input `key` (the engine's property dependency),
    else the candidate whose same-named input holds the same value (a name set in code)."""
    for dependency in resource.property_dependencies.get(key, []):
        if dependency in candidates:
            return dependency
    value = resource.props.get(key)
    return next((candidate for candidate in candidates if candidate.props.get(key) == value), None)


def truthy(value: Any) -> bool:
    """Booleans the providers take as bools or as "true" strings (launch template EBS fields)."""
    return value is True or (isinstance(value, str) and value.lower() == "true")
