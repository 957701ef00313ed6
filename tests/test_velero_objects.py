"""Velero objects the graph declares, checked against Velero's own CRD schemas (the chart's
crds/, recorded in tests/catalogues/velero_crds.json): types, enums and no unknown fields,
which the API server would prune without a word."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from tests.test_dr_data import SCHEDULE, promoted_with_restore

CATALOGUE = json.loads((Path(__file__).parent / "catalogues" / "velero_crds.json").read_text())


def unknown_fields(value: Any, schema: dict[str, Any], path: str = "spec") -> list[str]:
    if isinstance(value, dict):
        if schema.get("x-kubernetes-preserve-unknown-fields") or "additionalProperties" in schema:
            return []
        properties = schema.get("properties", {})
        problems = [f"{path}.{key}" for key in value if key not in properties]
        return problems + [
            problem
            for key, item in value.items()
            if key in properties
            for problem in unknown_fields(item, properties[key], f"{path}.{key}")
        ]
    if isinstance(value, list):
        return [
            p for i, item in enumerate(value) for p in unknown_fields(item, schema.get("items", {}), f"{path}[{i}]")
        ]
    return []


def problems(kind: str, spec: dict[str, Any]) -> list[str]:
    schema = CATALOGUE["kinds"][kind]
    errors = [error.message for error in jsonschema.Draft4Validator(schema).iter_errors(spec)]
    return errors + unknown_fields(spec, schema)


def declared_velero_objects(stack) -> list[tuple[str, dict[str, Any]]]:
    objects = [(r["inputs"]["kind"], r["inputs"]["spec"]) for r in stack.of_type(SCHEDULE)]
    for config_map in stack.of_type("kubernetes:core/v1:ConfigMap"):
        text = config_map["inputs"].get("data", {}).get("restore.yaml")
        if text:
            restore = yaml.safe_load(text)
            objects.append((restore["kind"], restore["spec"]))
    return objects


def test_every_schedule_and_the_restore_tests_restore_match_velero_s_schema(prod, prod_dr):
    objects = declared_velero_objects(prod) + declared_velero_objects(prod_dr)
    assert {kind for kind, _ in objects} == {"Schedule", "Restore"}
    for kind, spec in objects:
        assert problems(kind, spec) == [], kind


def test_the_promotions_restore_matches_velero_s_schema():
    (restore,) = promoted_with_restore().of_type("kubernetes:velero.io/v1:Restore")
    assert problems("Restore", restore["inputs"]["spec"]) == []


@pytest.mark.parametrize(
    ("kind", "spec", "expected"),
    [
        ("Restore", {"backupName": "b", "includedNamespaces": "web"}, "is not of type"),
        ("Restore", {"backupName": "b", "namespaceMappings": {"a": "b"}}, "spec.namespaceMappings"),
        ("Schedule", {"schedule": "@hourly", "template": {"snapshotMoveDate": True}}, "spec.template.snapshotMoveDate"),
        ("Schedule", {"schedule": "@hourly", "template": {"ttl": 72}}, "is not of type"),
    ],
)
def test_the_check_catches_a_misspelt_field_a_wrong_enum_and_a_wrong_type(kind, spec, expected):
    assert any(expected in problem for problem in problems(kind, spec))
