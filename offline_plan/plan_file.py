"""The build/plan/<stack>.json contract: resources by `type::name`, secrets redacted."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pulumi.output import Unknown
from pulumi.runtime import rpc

from offline_plan.evaluate import Evaluation
from offline_plan.monitor import Registration

REDACTED = "[secret]"
UNKNOWN = "[unknown]"


def resource_ref(urn: str) -> str:
    """`type::name` of a URN (urn:pulumi:stack::project::parent$type::name)."""
    parts = urn.split("::")
    return f"{parts[2].split('$')[-1]}::{'::'.join(parts[3:])}"


def provider_ref(reference: str) -> str | None:
    """A provider reference is `<provider urn>::<provider id>`."""
    if not reference:
        return None
    return resource_ref(reference.rsplit("::", 1)[0])


def redacted(value: Any) -> Any:
    """A secret with its shape kept (keys of a Secret's data stay readable) and every value hidden."""
    if isinstance(value, dict):
        return {key: redacted(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [redacted(item) for item in value]
    return REDACTED


def plain(value: Any) -> Any:
    """JSON-ready value: secrets redacted, unknowns marked, integral floats as ints."""
    if rpc.is_rpc_secret(value):
        return redacted(rpc.unwrap_rpc_secret(value))
    if value is rpc.UNKNOWN or isinstance(value, Unknown):
        return UNKNOWN
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return value


def _provider_of(registration: Registration) -> str | None:
    """Custom resources name one provider; remote components pass theirs on to children."""
    if registration.provider:
        return provider_ref(registration.provider)
    if registration.remote and registration.providers:
        package = "aws" if "aws" in registration.providers else sorted(registration.providers)[0]
        return provider_ref(registration.providers[package])
    return None


def resource_entry(registration: Registration) -> dict[str, Any]:
    dependencies = sorted({resource_ref(urn) for urn in registration.dependencies})
    via_properties = {resource_ref(urn) for urns in registration.property_dependencies.values() for urn in urns}
    return {
        "type": registration.type,
        "name": registration.name,
        "parent": resource_ref(registration.parent) if registration.parent else None,
        "provider": _provider_of(registration),
        "custom": registration.custom,
        "dependencies": dependencies,
        "dependsOn": [ref for ref in dependencies if ref not in via_properties],
        # Which input carries which dependency: policy rules link a bucket's settings to the bucket by it.
        "propertyDependencies": {
            key: sorted({resource_ref(urn) for urn in urns})
            for key, urns in sorted(registration.property_dependencies.items())
            if urns
        },
        "protect": registration.protect,
        "inputs": plain(registration.inputs),
        "aliases": [_alias(alias) for alias in registration.aliases],
    }


def _alias(alias: dict[str, Any]) -> dict[str, Any]:
    """URNs as `type::name` refs, the plan's way of naming a resource."""
    if "urn" in alias:
        return {"ref": resource_ref(alias["urn"])}
    if "parentUrn" in alias:
        rest = {key: value for key, value in alias.items() if key != "parentUrn"}
        return {**rest, "parent": resource_ref(alias["parentUrn"])}
    return alias


def build_plan(evaluation: Evaluation) -> dict[str, Any]:
    return {
        "project": evaluation.project,
        "stack": evaluation.stack,
        # Registration order depends on thread scheduling; sorting keeps the file stable.
        "resources": sorted(
            (resource_entry(registration) for registration in evaluation.registrations),
            key=lambda entry: (entry["type"], entry["name"]),
        ),
        "outputs": {
            name: REDACTED if output.secret else plain(output.value) for name, output in evaluation.outputs.items()
        },
    }


def write_plan(plan: dict[str, Any], out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{plan['stack']}.json"
    path.write_text(json.dumps(plan, indent=2, sort_keys=True) + "\n")
    return path
